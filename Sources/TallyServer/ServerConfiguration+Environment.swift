import Foundation
import NIOCore
import TallyHTTP2

/// The `TALLY_*` environment variables, one per setting. Flags given on the command line win.
extension ServerConfiguration {
    public static let environmentKeys: [(key: String, help: String)] = [
        ("TALLY_HOST", "address to listen on (default 127.0.0.1)"),
        ("TALLY_PORT", "port to listen on, 0 for any free port (default 8080)"),
        ("TALLY_DATABASE", "SQLite file, created from the embedded dataset when missing (default tally.sqlite), or a postgres:// URL shared by replicas"),
        ("TALLY_DATABASE_PASSWORD_FILE", "file holding the PostgreSQL password"),
        ("TALLY_MIRROR", "a replica's local SQLite mirror of the shared database (default: a temporary file, copied anew at start)"),
        ("TALLY_REPLICA_CHECK_SECONDS", "how often a replica checks the shared database's version besides its notifications (default 2)"),
        ("TALLY_PUBLISH_TOKEN", "bearer token that allows publishing (unset: publishing disabled)"),
        ("TALLY_PUBLISH_TOKEN_FILE", "file holding the publish token (for container secrets)"),
        ("TALLY_MAX_MESSAGE_BYTES", "largest message accepted (default 4194304)"),
        ("TALLY_MAX_CONCURRENT_STREAMS", "HTTP/2 streams per connection (default 100)"),
        ("TALLY_MAX_CONNECTIONS", "connections served at once; more get GOAWAY (default 10000, or less when ulimit -n is lower)"),
        ("TALLY_IDLE_TIMEOUT_SECONDS", "close connections idle this long (default 300)"),
        ("TALLY_GRACE_PERIOD_SECONDS", "time in-flight calls get after SIGTERM (default 20)"),
        ("TALLY_WATCH_HEARTBEAT_SECONDS", "heartbeat interval on watch streams (default 15)"),
        ("TALLY_WATCH_QUEUE_LIMIT", "publishes a watcher may lag before its watch ends with unavailable and resumes (default 256)"),
        ("TALLY_EVENT_LOOP_THREADS", "event-loop threads (default: one per core)"),
        ("TALLY_TRUSTED_PROXIES", "comma-separated addresses or ranges (10.0.0.0/8) whose X-Forwarded-For is believed (default none)"),
        ("TALLY_LOG_LEVEL", "trace, debug, info, notice, warning, error (default info)"),
    ]

    /// Applies the environment; an unreadable value is an error naming the variable.
    public mutating func apply(environment: [String: String]) throws {
        func integer(_ key: String) throws -> Int? {
            guard let text = environment[key] else { return nil }
            guard let value = Int(text), value >= 0 else { throw ConfigurationError(key: key, value: text, expected: "a non-negative integer") }
            return value
        }
        if let host = environment["TALLY_HOST"] { self.host = host }
        if let port = try integer("TALLY_PORT") { self.port = port }
        if let path = environment["TALLY_DATABASE"] { databasePath = path }
        if let file = environment["TALLY_DATABASE_PASSWORD_FILE"] { databasePasswordFile = file }
        if let path = environment["TALLY_MIRROR"] { mirrorPath = path }
        if let seconds = try integer("TALLY_REPLICA_CHECK_SECONDS") { replicaCheckInterval = .seconds(max(1, seconds)) }
        if let file = environment["TALLY_PUBLISH_TOKEN_FILE"] { publishToken = try Self.readToken(file: file) }
        if let token = environment["TALLY_PUBLISH_TOKEN"], !token.isEmpty { publishToken = token }
        if let size = try integer("TALLY_MAX_MESSAGE_BYTES") { maxMessageSize = size }
        if let streams = try integer("TALLY_MAX_CONCURRENT_STREAMS") { http2.settings.maxConcurrentStreams = UInt32(streams) }
        if let connections = try integer("TALLY_MAX_CONNECTIONS") {
            guard connections > 0 else { throw ConfigurationError(key: "TALLY_MAX_CONNECTIONS", value: "0", expected: "a positive integer") }
            maxConnections = connections
        }
        if let seconds = try integer("TALLY_IDLE_TIMEOUT_SECONDS") { http2.idleTimeout = .seconds(Int64(seconds)) }
        if let seconds = try integer("TALLY_GRACE_PERIOD_SECONDS") { gracePeriod = .seconds(Int64(seconds)) }
        if let seconds = try integer("TALLY_WATCH_HEARTBEAT_SECONDS") { watchHeartbeat = .seconds(Int64(seconds)) }
        if let limit = try integer("TALLY_WATCH_QUEUE_LIMIT") { watchQueueLimit = max(1, limit) }
        if let threads = try integer("TALLY_EVENT_LOOP_THREADS") { eventLoopThreads = max(1, threads) }
        if let list = environment["TALLY_TRUSTED_PROXIES"] {
            do {
                trustedProxies = try TrustedProxies(parsing: list)
            } catch {
                throw ConfigurationError(key: "TALLY_TRUSTED_PROXIES", value: list, expected: "addresses or ranges (\(error))")
            }
        }
    }

    /// Reads a token file (trailing newline ignored); an empty file is an error, not "no token".
    public static func readToken(file: String) throws -> String {
        guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
            throw ConfigurationError(key: "publish token file", value: file, expected: "a readable file")
        }
        let token = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !token.isEmpty else { throw ConfigurationError(key: "publish token file", value: file, expected: "a non-empty token") }
        return token
    }
}

public struct ConfigurationError: Error, CustomStringConvertible {
    public var key: String
    public var value: String
    public var expected: String

    public var description: String { "\(key)=\(value): expected \(expected)" }
}
