import NIOCore
import NIOSSL
import PostgresNIO

/// The settings as postgres-nio takes them: one connection (start-up, the commit listener) or a
/// pool (everything else).
extension PostgresSettings {
    /// The TLS configuration for `tls`, nil for `disable`.
    func tlsConfiguration() -> TLSConfiguration? {
        guard tls != .disable else { return nil }
        var configuration = TLSConfiguration.makeClientConfiguration()
        if tls == .verifyFull {
            if let rootCertificatePath { configuration.trustRoots = .file(rootCertificatePath) }
        } else {
            // libpq's prefer and require: encrypted, but any certificate is taken.
            configuration.certificateVerification = .none
        }
        return configuration
    }

    func connectionConfiguration() throws -> PostgresConnection.Configuration {
        let tlsMode: PostgresConnection.Configuration.TLS
        if let configuration = tlsConfiguration() {
            let context = try NIOSSLContext(configuration: configuration)
            tlsMode = tls == .prefer ? .prefer(context) : .require(context)
        } else {
            tlsMode = .disable
        }
        var configuration = PostgresConnection.Configuration(host: host, port: port, username: user, password: password,
                                                             database: database, tls: tlsMode)
        configuration.options.connectTimeout = .nanoseconds(connectTimeout.nanoseconds)
        configuration.options.additionalStartupParameters = [("application_name", applicationName)]
        return configuration
    }

    func clientConfiguration(maximumConnections: Int) -> PostgresClient.Configuration {
        let tlsMode: PostgresClient.Configuration.TLS
        if let configuration = tlsConfiguration() {
            tlsMode = tls == .prefer ? .prefer(configuration) : .require(configuration)
        } else {
            tlsMode = .disable
        }
        var configuration = PostgresClient.Configuration(host: host, port: port, username: user, password: password,
                                                         database: database, tls: tlsMode)
        configuration.options.connectTimeout = connectTimeout
        configuration.options.maximumConnections = maximumConnections
        // A replica that stops answering in the middle of a publish (a hung process, a network
        // partition) would hold the publish lock until TCP gave up; the server ends it sooner.
        configuration.options.additionalStartupParameters = [("application_name", applicationName),
                                                              ("idle_in_transaction_session_timeout", "60s")]
        return configuration
    }

    /// Opens one connection, outside any pool; failures are `PostgresConnectError`.
    func connect(logger: Logger) async throws(PostgresConnectError) -> PostgresConnection {
        do {
            return try await PostgresConnection.connect(configuration: try connectionConfiguration(), id: 0, logger: logger)
        } catch {
            throw PostgresConnectError(connecting: error, to: endpoint)
        }
    }
}

extension Duration {
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
