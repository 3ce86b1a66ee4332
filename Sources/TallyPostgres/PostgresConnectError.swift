import NIOCore
import NIOPosix
import NIOSSL
import PostgresNIO

/// Why the store could not start on the database: each case names the server, database and user
/// (never the password) and what to check, so tallyd can print it and exit non-zero.
public enum PostgresConnectError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The server refused the user's credentials (wrong password, no password given, unknown user).
    case authenticationFailed(PostgresEndpoint, reason: String)
    /// No server answered: nothing listens on the port, the host does not resolve, or it timed out.
    case unreachable(PostgresEndpoint, reason: String)
    /// The server answered, but has no database of that name.
    case databaseMissing(PostgresEndpoint)
    /// TLS was required and could not be set up (the server offers none, or the handshake failed).
    case tlsFailed(PostgresEndpoint, reason: String)
    /// The server turned the connection away for another reason (pg_hba.conf, too many
    /// connections, no CONNECT privilege).
    case refused(PostgresEndpoint, reason: String)
    /// Connected, but the schema could not be created or migrated, or the seed not written.
    case schemaFailed(PostgresEndpoint, reason: String)

    public var endpoint: PostgresEndpoint {
        switch self {
        case .authenticationFailed(let endpoint, _), .unreachable(let endpoint, _), .databaseMissing(let endpoint),
             .tlsFailed(let endpoint, _), .refused(let endpoint, _), .schemaFailed(let endpoint, _):
            endpoint
        }
    }

    public var description: String {
        let at = "PostgreSQL \(endpoint)"
        switch self {
        case .authenticationFailed(_, let reason):
            return "\(at): authentication failed (\(reason)); check the user and the password file"
        case .unreachable(_, let reason):
            return "\(at): the server cannot be reached (\(reason)); check the host and port, and that PostgreSQL is running"
        case .databaseMissing(let endpoint):
            return "\(at): the server has no database '\(endpoint.database)'; create it (createdb -O \(endpoint.user) \(endpoint.database))"
        case .tlsFailed(_, let reason):
            return "\(at): TLS failed (\(reason)); check sslmode and the server's certificate"
        case .refused(_, let reason):
            return "\(at): the server refused the connection (\(reason))"
        case .schemaFailed(_, let reason):
            return "\(at): the schema could not be set up (\(reason))"
        }
    }

    /// The error a failed connection attempt becomes.
    init(connecting error: any Error, to endpoint: PostgresEndpoint) {
        if let psql = error as? PSQLError {
            self = Self(psql, endpoint)
        } else if error is NIOSSLError {
            self = .tlsFailed(endpoint, reason: "\(error)")
        } else {
            self = .unreachable(endpoint, reason: PostgresFailure.describe(error))
        }
    }

    private init(_ error: PSQLError, _ endpoint: PostgresEndpoint) {
        switch error.code {
        case .server:
            let state = error.serverInfo?[.sqlState] ?? ""
            let message = error.serverInfo?[.message] ?? "no message"
            switch state {
            case "28P01":
                self = .authenticationFailed(endpoint, reason: message)
            case "28000" where message.contains("pg_hba.conf"):
                self = .refused(endpoint, reason: message)
            case "28000":
                self = .authenticationFailed(endpoint, reason: message)
            case "3D000":
                self = .databaseMissing(endpoint)
            case "57P03":
                self = .unreachable(endpoint, reason: "the server is starting up or shutting down: \(message)")
            default:
                self = .refused(endpoint, reason: "\(message) (SQLSTATE \(state))")
            }
        case .authMechanismRequiresPassword:
            self = .authenticationFailed(endpoint, reason: "the server asks for a password and none was given")
        case .unsupportedAuthMechanism:
            self = .authenticationFailed(endpoint, reason: "the server asks for an authentication method tallyd does not support "
                                         + "(it supports trust, password, md5 and scram-sha-256)")
        case .saslError:
            self = .authenticationFailed(endpoint, reason: "the SCRAM exchange failed: \(PostgresFailure.describe(error))")
        case .sslUnsupported:
            self = .tlsFailed(endpoint, reason: "the server does not offer TLS, and sslmode asks for it")
        case .failedToAddSSLHandler, .receivedUnencryptedDataAfterSSLRequest:
            self = .tlsFailed(endpoint, reason: PostgresFailure.describe(error))
        default:
            if let underlying = error.underlying, underlying is NIOSSLError {
                self = .tlsFailed(endpoint, reason: "\(underlying)")
            } else {
                self = .unreachable(endpoint, reason: PostgresFailure.describe(error))
            }
        }
    }
}

/// Errors of the database client in words, without the query's values (which may be a figure's
/// text) and without PSQLError's deliberately generic description.
enum PostgresFailure {
    static func describe(_ error: any Error) -> String {
        if let psql = error as? PSQLError {
            if let info = psql.serverInfo, let message = info[.message] {
                return "\(message) (SQLSTATE \(info[.sqlState] ?? "?"))"
            }
            if let underlying = psql.underlying { return "\(psql.code): \(describe(underlying))" }
            return "\(psql.code)"
        }
        if let io = error as? IOError { return io.description }
        if let connect = error as? NIOConnectionError {
            let causes = connect.connectionErrors.map { "\($0.target): \($0.error)" } + [connect.dnsAAAAError, connect.dnsAError].compactMap { $0.map { "DNS: \($0)" } }
            return causes.isEmpty ? "connection failed" : causes.joined(separator: "; ")
        }
        if let channel = error as? ChannelError, case .connectTimeout(let amount) = channel {
            return "no answer within \(amount.nanoseconds / 1_000_000_000) s"
        }
        return String(describing: error)
    }

    /// Whether an error means the database could not be reached (or dropped the connection), as
    /// opposed to one the server reported about the request itself (a bug, or a broken schema).
    static func isUnreachable(_ error: any Error) -> Bool {
        guard let psql = error as? PSQLError else {
            // The pool's own errors (its circuit breaker open while connections fail) and NIO's.
            return !(error is CancellationError)
        }
        switch psql.code {
        case .server:
            let state = psql.serverInfo?[.sqlState] ?? ""
            // Connection exceptions, the server shutting down or starting, too many connections, and
            // a read-only server (the URL points at a standby while a failover completes).
            return state.hasPrefix("08") || ["57P01", "57P02", "57P03", "53300", "25006"].contains(state)
        case .queryCancelled, .tooManyParameters, .invalidCommandTag, .messageDecodingFailure, .unexpectedBackendMessage:
            return false
        default:
            return true
        }
    }
}
