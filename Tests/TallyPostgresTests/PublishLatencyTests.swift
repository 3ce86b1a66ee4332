import Foundation
import Testing
import TallyModel
import TallyPostgres
import TallyPostgresTestSupport
import TallyStore

/// Publish latency of 100 changes into 10,000 figures, PostgreSQL beside SQLite (a file), in
/// the same run on the same machine. It prints the figures; it asserts no timing (the machine is
/// shared, and this is a debug build: `TallyPublishLatency` measures a release one), only that
/// every publish made its version.
@Suite(.enabled(if: PostgresTestCluster.shouldRun, "no PostgreSQL: set TALLY_TEST_POSTGRES_URL (Tests/Support/with-postgres.sh)"))
struct PublishLatencyTests {
    @Test func publishLatencyOnPostgresAndSQLite() async throws {
        let latency = PublishLatency()
        let seed = latency.seed()
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("tally-latency-\(UUID().uuidString).sqlite").path
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        let sqliteTimes = try await latency.measure(try SQLiteFigureStore(path: path, seed: seed), seed: seed)

        let postgresTimes = try await PostgresTestCluster.withDatabase { settings in
            let store = try await PostgresFigureStore.connect(settings: settings, seed: seed, logger: PostgresTestCluster.logger)
            let times = try await latency.measure(store, seed: seed)
            try await store.verify()
            await store.close()
            return times
        }
        print("publish of \(latency.changes) changes into \(latency.figures) figures, \(latency.publishes) publishes each (debug build):")
        print("  " + PublishLatency.summary("SQLite (file)", sqliteTimes))
        print("  " + PublishLatency.summary("PostgreSQL", postgresTimes))
    }
}
