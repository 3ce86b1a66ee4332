import Foundation
public import Logging
import PostgresNIO
public import TallyModel
public import TallyPostgres
import TallyTestSupport

/// The PostgreSQL server the tests use: `TALLY_TEST_POSTGRES_URL` (Tests/Support/with-postgres.sh
/// starts a throwaway one and sets it; `make test` runs the tests inside it). Each test gets a
/// database of its own, `tally_test_<uuid>`, dropped afterwards, so tests run in parallel and
/// leave nothing behind on a server that is not throwaway. `TALLY_POSTGRES_CTL` (a script taking
/// stop|start) lets the outage tests stop and start the server.
public enum PostgresTestCluster {
    public static let urlVariable = "TALLY_TEST_POSTGRES_URL"
    public static let controlVariable = "TALLY_POSTGRES_CTL"

    private static var environment: [String: String] { ProcessInfo.processInfo.environment }

    /// Whether a server is configured; without one, PostgreSQL tests are skipped unless
    /// `TALLY_REQUIRE_PEERS=1`, which makes its absence a failure.
    public static var isConfigured: Bool { environment[urlVariable].map { !$0.isEmpty } ?? false }
    public static var isRequired: Bool { environment["TALLY_REQUIRE_PEERS"] == "1" }
    /// Run the PostgreSQL tests: configured, or required (and then failing for want of it).
    public static var shouldRun: Bool { isConfigured || isRequired }
    public static var canStopServer: Bool { environment[controlVariable].map { !$0.isEmpty } ?? false }

    public struct NotConfigured: Error, CustomStringConvertible {
        public var description: String
    }

    /// The server's settings (its own database, usually `postgres`).
    public static func serverSettings() throws -> PostgresSettings {
        guard let url = environment[urlVariable], !url.isEmpty else {
            throw NotConfigured(description: "TALLY_REQUIRE_PEERS=1 but \(urlVariable) is not set: run the tests through "
                                + "Tests/Support/with-postgres.sh (make test does)")
        }
        var settings = try PostgresSettings(url: url)
        // Short, so the outage tests see `unavailable` quickly.
        settings.connectTimeout = .seconds(3)
        settings.applicationName = "tally-tests"
        return settings
    }

    public static let logger: Logger = {
        var logger = Logger(label: "tally.postgres.tests")
        logger.logLevel = ProcessInfo.processInfo.environment["TALLY_TEST_POSTGRES_LOG"].flatMap(Logger.Level.init(rawValue:)) ?? .error
        return logger
    }()

    /// A new, empty database on the server; returns settings that point at it.
    public static func createDatabase() async throws -> PostgresSettings {
        let server = try serverSettings()
        let name = "tally_test_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        try await onServer(server) { connection in
            try await connection.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name) ENCODING 'UTF8' TEMPLATE template0"), logger: logger)
        }
        return server.database(name)
    }

    /// Drops a database `createDatabase` made, closing whatever connections are still in it.
    public static func dropDatabase(_ settings: PostgresSettings) async {
        guard settings.database.hasPrefix("tally_test_"), let server = try? serverSettings() else { return }
        do {
            try await onServer(server) { connection in
                try await connection.query(PostgresQuery(unsafeSQL: "DROP DATABASE IF EXISTS \(settings.database) WITH (FORCE)"), logger: logger)
            }
        } catch {
            logger.warning("could not drop a test database", metadata: ["database": "\(settings.database)", "error": "\(String(reflecting: error))"])
        }
    }

    /// `body` with settings for a fresh database, dropped afterwards whatever `body` did; other
    /// tests use the server meanwhile, but no outage test stops it.
    public static func withDatabase<T>(_ body: (PostgresSettings) async throws -> T) async throws -> T {
        try await holdingServer { try await withFreshDatabase(body) }
    }

    /// The same, with the server to itself: for a test that stops and starts it. It waits for
    /// the tests using the server to finish, and tests that start meanwhile wait for it.
    public static func withDatabaseAlone<T>(_ body: (PostgresSettings) async throws -> T) async throws -> T {
        await ServerUse.shared.beginAlone()
        do {
            let value = try await withFreshDatabase(body)
            await ServerUse.shared.endAlone()
            return value
        } catch {
            await ServerUse.shared.endAlone()
            throw error
        }
    }

    /// `body` while no outage test can stop the server.
    public static func holdingServer<T>(_ body: () async throws -> T) async throws -> T {
        await ServerUse.shared.begin()
        do {
            let value = try await body()
            await ServerUse.shared.end()
            return value
        } catch {
            await ServerUse.shared.end()
            throw error
        }
    }

    /// For tests that hold the server across calls (the shared store suite): `beginUse` before
    /// the first database, `endUse` after the last is dropped.
    public static func beginUse() async { await ServerUse.shared.begin() }
    public static func endUse() async { await ServerUse.shared.end() }

    private static func withFreshDatabase<T>(_ body: (PostgresSettings) async throws -> T) async throws -> T {
        let settings = try await createDatabase()
        do {
            let value = try await body(settings)
            await dropDatabase(settings)
            return value
        } catch {
            await dropDatabase(settings)
            throw error
        }
    }

    /// A store on a fresh database (drop it with `dropDatabase` after closing the store; the
    /// caller holds the server, `beginUse`).
    public static func makeStore(seed: [Figure]) async throws -> (PostgresFigureStore, PostgresSettings) {
        let settings = try await createDatabase()
        do {
            return (try await PostgresFigureStore.connect(settings: settings, seed: seed, logger: logger), settings)
        } catch {
            await dropDatabase(settings)
            throw error
        }
    }

    /// The single number `sql` selects in the database of `settings` (what a test checks of the
    /// stored rows behind the store's back).
    public static func count(_ sql: String, in settings: PostgresSettings) async throws -> Int {
        var result = 0
        try await onServer(settings) { connection in
            for try await value in try await connection.query(PostgresQuery(unsafeSQL: sql), logger: logger).decode(Int64.self) {
                result = Int(value)
            }
        }
        return result
    }

    /// Runs `sql` in the database of `settings`, behind the store's back.
    public static func execute(_ sql: String, in settings: PostgresSettings) async throws {
        try await onServer(settings) { connection in
            try await connection.query(PostgresQuery(unsafeSQL: sql), logger: logger)
        }
    }

    private static func onServer(_ settings: PostgresSettings, _ body: (PostgresConnection) async throws -> Void) async throws {
        let connection = try await PostgresConnection.connect(configuration: settingsConfiguration(settings), id: 1, logger: logger)
        do {
            try await body(connection)
        } catch {
            try? await connection.close()
            throw error
        }
        try await connection.close()
    }

    private static func settingsConfiguration(_ settings: PostgresSettings) -> PostgresConnection.Configuration {
        PostgresConnection.Configuration(host: settings.host, port: settings.port, username: settings.user, password: settings.password,
                                         database: settings.database, tls: .disable)
    }

    // MARK: - Outages

    /// Stops the server (`TALLY_POSTGRES_CTL stop`): every connection to it drops.
    public static func stopServer() async throws { try await control("stop") }

    /// Starts it again and returns once it accepts connections.
    public static func startServer() async throws { try await control("start") }

    /// On a thread of its own: pg_ctl waits for the server, and the cooperative pool has two threads.
    private static func control(_ action: String) async throws {
        guard let script = environment[controlVariable], !script.isEmpty else {
            throw NotConfigured(description: "\(controlVariable) is not set: the outage tests need a server they may stop (with-postgres.sh)")
        }
        try await onOwnThread { try run(script, action) }
    }

    private static func run(_ script: String, _ action: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: script)
        process.arguments = [action]
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw NotConfigured(description: "\(script) \(action) exited with status \(process.terminationStatus)")
        }
    }
}
