import Foundation

/// Where the shared database is and how to log in, read from a `postgres://` or `postgresql://`
/// URL (the form libpq and every PostgreSQL tool take):
/// `postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE?sslmode=MODE&connect_timeout=SECONDS`.
///
/// The password should come from a file (`passwordFile`), not the URL: a command line is visible
/// to every user of the machine. Nothing here prints the password: `redactedURL` shows it as
/// `***`, and no error carries it.
public struct PostgresSettings: Sendable, Equatable {
    /// How TLS is used (the URL's `sslmode`). As with libpq, `prefer` and `require` encrypt without
    /// checking the server's certificate; `verify-full` also checks it against the system's trust
    /// roots (or `sslrootcert`) and the host name.
    public enum TLSMode: String, Sendable, Equatable, CaseIterable {
        case disable
        case prefer
        case require
        case verifyFull = "verify-full"
    }

    public var host: String
    public var port: Int
    public var user: String
    public var password: String?
    public var database: String
    public var tls: TLSMode
    /// A CA certificate file (PEM) for `verify-full`, instead of the system's trust roots.
    public var rootCertificatePath: String?
    /// How long to wait for a connection (the TCP connection, and a connection from the pool for
    /// an operation) before the database counts as unreachable.
    public var connectTimeout: Duration
    public var applicationName: String

    public static let defaultPort = 5432
    public static let defaultConnectTimeout = Duration.seconds(10)

    /// Reads `url`, and the password from `passwordFile` when one is given (its trailing newline
    /// removed). A password in both places is an error rather than a silent choice.
    public init(url: String, passwordFile: String? = nil) throws(PostgresSettingsError) {
        self = try PostgresURLParser.parse(url)
        if let passwordFile {
            guard password == nil else { throw .passwordTwice(file: passwordFile) }
            password = try Self.readPassword(from: passwordFile)
        }
    }

    public init(host: String, port: Int = defaultPort, user: String, password: String?, database: String, tls: TLSMode = .prefer,
                rootCertificatePath: String? = nil, connectTimeout: Duration = defaultConnectTimeout, applicationName: String = "tallyd") {
        self.host = host
        self.port = port
        self.user = user
        self.password = password
        self.database = database
        self.tls = tls
        self.rootCertificatePath = rootCertificatePath
        self.connectTimeout = connectTimeout
        self.applicationName = applicationName
    }

    /// Whether `string` names a PostgreSQL database (rather than a SQLite file path).
    public static func isPostgresURL(_ string: String) -> Bool {
        let lowered = string.lowercased()
        return lowered.hasPrefix("postgres://") || lowered.hasPrefix("postgresql://")
    }

    /// The URL with the password, if any, as `***`: for logs and error messages.
    public var redactedURL: String { url(escapedPassword: password.map { _ in "***" }) }

    /// The same settings for another database on the same server (tests make one per store).
    public func database(_ name: String) -> PostgresSettings {
        var copy = self
        copy.database = name
        return copy
    }

    /// Where the settings point, without the password: what connection errors name.
    public var endpoint: PostgresEndpoint { PostgresEndpoint(host: host, port: port, database: database, user: user) }

    /// The URL of these settings, with `password` in it when given.
    public func url(password: String?) -> String {
        url(escapedPassword: password.map(PostgresURLParser.escape))
    }

    private func url(escapedPassword: String?) -> String {
        var userInfo = PostgresURLParser.escape(user)
        if let escapedPassword { userInfo += ":" + escapedPassword }
        let hostPart = host.contains(":") ? "[\(host)]" : host
        var query = ["sslmode=\(tls.rawValue)"]
        if connectTimeout != Self.defaultConnectTimeout { query.append("connect_timeout=\(connectTimeout.components.seconds)") }
        if let rootCertificatePath { query.append("sslrootcert=\(PostgresURLParser.escape(rootCertificatePath))") }
        if applicationName != "tallyd" { query.append("application_name=\(PostgresURLParser.escape(applicationName))") }
        return "postgres://\(userInfo)@\(hostPart):\(port)/\(PostgresURLParser.escape(database))?\(query.joined(separator: "&"))"
    }

    static func readPassword(from path: String) throws(PostgresSettingsError) -> String {
        let contents: String
        do {
            contents = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw .passwordFileUnreadable(path: path, reason: (error as NSError).localizedFailureReason ?? error.localizedDescription)
        }
        var password = Substring(contents)
        if let last = password.last, last.isNewline { password = password.dropLast() }   // "\r\n" is one Character
        guard !password.isEmpty else { throw .passwordFileEmpty(path: path) }
        guard !password.contains(where: \.isNewline) else { throw .passwordFileHasSeveralLines(path: path) }
        return String(password)
    }
}

/// A database server, user and database: what a connection error names (never the password).
public struct PostgresEndpoint: Sendable, Equatable, CustomStringConvertible {
    public var host: String
    public var port: Int
    public var database: String
    public var user: String

    public var description: String { "database '\(database)' on \(host):\(port) as user '\(user)'" }
}

/// What is wrong with a database URL or its password file, in words a person can act on.
public enum PostgresSettingsError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Not a `postgres://` or `postgresql://` URL at all.
    case notPostgresURL
    /// A PostgreSQL URL with a part that cannot be read: which part, and why.
    case malformed(part: String, problem: String)
    /// A password in the URL and a password file: one must go.
    case passwordTwice(file: String)
    case passwordFileUnreadable(path: String, reason: String)
    case passwordFileEmpty(path: String)
    case passwordFileHasSeveralLines(path: String)

    public var description: String {
        switch self {
        case .notPostgresURL:
            "not a PostgreSQL URL: it must start with postgres:// or postgresql://"
        case .malformed(let part, let problem):
            "the database URL's \(part) \(problem) (expected postgres://USER@HOST:PORT/DATABASE?sslmode=disable|prefer|require|verify-full)"
        case .passwordTwice(let file):
            "the database URL has a password and a password file (\(file)) was given too: keep the password in the file only"
        case .passwordFileUnreadable(let path, let reason):
            "cannot read the database password file \(path): \(reason)"
        case .passwordFileEmpty(let path):
            "the database password file \(path) is empty"
        case .passwordFileHasSeveralLines(let path):
            "the database password file \(path) has more than one line: it must hold the password alone"
        }
    }
}
