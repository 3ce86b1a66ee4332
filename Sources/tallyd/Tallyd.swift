import ArgumentParser
import Foundation
import Logging
import NIOCore
import ServiceLifecycle
import TallyServer
import TallyHTTP2
import TallyStore
import UnixSignals
internal import CTallyBuildInfo

@main
struct Tallyd: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tallyd",
        abstract: "The Tally server.",
        version: String(cString: tally_version_line()),
        subcommands: [Serve.self, Healthcheck.self],
        defaultSubcommand: Serve.self
    )
}

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serves the Tally dataset over HTTP/2 (h2c), through nghttp2.",
        discussion: """
            Every option can also be set with a TALLY_* environment variable; a flag wins over the \
            environment. The database is created and filled with the embedded dataset when missing. \
            SIGTERM or SIGINT drains: in-flight calls finish within the grace period, new ones are refused.
            Environment: \(ServerConfiguration.environmentKeys.map(\.key).joined(separator: ", "))
            """
    )

    @Option(help: "Address to listen on.") var host: String?
    @Option(help: "Port to listen on; 0 picks a free one.") var port: Int?
    @Option(help: "SQLite database file, or a postgres:// URL of a database replicas share (its password from --database-password-file).") var database: String?
    @Option(help: "File holding the PostgreSQL password (never on the command line).") var databasePasswordFile: String?
    @Option(help: "A replica's local SQLite mirror of the shared database (default: a temporary file, copied anew at start).") var mirror: String?
    @Option(help: "Seconds between a replica's checks of the shared database's version, besides its notifications.") var replicaCheckSeconds: Int64?
    @Option(help: "File holding the bearer token that allows publishing (default: publishing disabled).") var publishTokenFile: String?
    @Option(help: "HTTP/2 streams allowed per connection.") var maxConcurrentStreams: UInt32?
    @Option(help: "Connections served at once; more are turned away with GOAWAY (default: 10000, or less when ulimit -n is lower).") var maxConnections: Int?
    @Option(help: "Seconds before an idle connection is closed.") var idleTimeoutSeconds: Int64?
    @Option(help: "Seconds in-flight calls get after SIGTERM.") var gracePeriodSeconds: Int64?
    @Option(help: "Seconds between heartbeats on watch streams.") var watchHeartbeatSeconds: Int64?
    @Option(help: "Log level: trace, debug, info, notice, warning, error.") var logLevel: String?
    @Option(help: "PEM certificate chain: terminate TLS (ALPN h2) in tallyd instead of a proxy. Needs --tls-key.") var tlsCertificate: String?
    @Option(help: "PEM private key for --tls-certificate.") var tlsKey: String?
    @Option(help: "Publishes a watcher may lag before its watch ends with unavailable and resumes.") var watchQueueLimit: Int?
    @Option(help: "Event-loop threads (default: one per core).") var eventLoopThreads: Int?
    @Option(help: "Comma-separated addresses or ranges (10.0.0.0/8) of proxies whose X-Forwarded-For names the client in logs.") var trustedProxies: String?

    func validate() throws {
        if let port, !(0...65_535).contains(port) { throw ValidationError("--port must be between 0 and 65535, got \(port).") }
        if let maxConnections, maxConnections < 1 { throw ValidationError("--max-connections must be at least 1, got \(maxConnections).") }
        if (tlsCertificate == nil) != (tlsKey == nil) { throw ValidationError("--tls-certificate and --tls-key go together.") }
        if let level = logLevel, Logger.Level(rawValue: level) == nil {
            throw ValidationError("--log-level must be one of trace, debug, info, notice, warning, error.")
        }
    }

    func run() async throws {
        MemoryTuning.apply()
        let environment = ProcessInfo.processInfo.environment
        var configuration = ServerConfiguration()
        try configuration.apply(environment: environment)
        if let host { configuration.host = host }
        if let port { configuration.port = port }
        if let database { configuration.databasePath = database }
        if let databasePasswordFile { configuration.databasePasswordFile = databasePasswordFile }
        if let mirror { configuration.mirrorPath = mirror }
        if let replicaCheckSeconds { configuration.replicaCheckInterval = .seconds(max(1, replicaCheckSeconds)) }
        if let publishTokenFile { configuration.publishToken = try ServerConfiguration.readToken(file: publishTokenFile) }
        if let maxConcurrentStreams { configuration.http2.settings.maxConcurrentStreams = maxConcurrentStreams }
        if let maxConnections { configuration.maxConnections = maxConnections }
        if let idleTimeoutSeconds { configuration.http2.idleTimeout = .seconds(idleTimeoutSeconds) }
        if let gracePeriodSeconds { configuration.gracePeriod = .seconds(gracePeriodSeconds) }
        if let watchHeartbeatSeconds { configuration.watchHeartbeat = .seconds(watchHeartbeatSeconds) }
        if let watchQueueLimit { configuration.watchQueueLimit = max(1, watchQueueLimit) }
        if let eventLoopThreads { configuration.eventLoopThreads = max(1, eventLoopThreads) }
        if let trustedProxies {
            do {
                configuration.trustedProxies = try TrustedProxies(parsing: trustedProxies)
            } catch {
                throw ValidationError("--trusted-proxies: \(error)")
            }
        }
        if let tlsCertificate, let tlsKey {
            configuration.tlsCertificatePath = tlsCertificate
            configuration.tlsKeyPath = tlsKey
        }

        let level = Logger.Level(rawValue: logLevel ?? environment["TALLY_LOG_LEVEL"] ?? "info") ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "tallyd")

        let served: ServedStore
        do {
            served = try await ServedStore.open(configuration, logger: logger)
        } catch {
            FileHandle.standardError.write(Data("tallyd: cannot serve: \(error.message)\n".utf8))
            throw ExitCode(error.exitCode)
        }
        let store = served.store
        let server = try await TallyServer(configuration: configuration, store: store, logger: logger)
        let address = try await server.start()
        let state = try await store.state()
        // One line on stdout, flushed, that scripts and tests wait for.
        FileHandle.standardOutput.write(Data("listening on \(configuration.host):\(address.port ?? 0) dataset version \(state.version)\n".utf8))
        let group = ServiceGroup(configuration: ServiceGroupConfiguration(
            services: [server], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        do {
            try await group.run()
        } catch {
            await served.close()
            throw error
        }
        await served.close()
    }
}
