import Foundation
import Testing
import TallyModel
import TallyPostgres
import TallyPostgresTestSupport
import TallyStore
import TallyTestSupport

/// Publish latency of 100 changes into 10,000 figures, PostgreSQL beside SQLite (a file), in
/// the same run on the same machine. It prints the figures; it asserts no timing (the machine is
/// shared), only that every publish made its version.
@Suite(.enabled(if: PostgresTestCluster.shouldRun, "no PostgreSQL: set TALLY_TEST_POSTGRES_URL (Tests/Support/with-postgres.sh)"))
struct PublishLatencyTests {
    static let figureCount = 10_000
    static let changesPerPublish = 100
    static let publishes = 30

    @Test func publishLatencyOnPostgresAndSQLite() async throws {
        let seed = SyntheticFigures.make(count: Self.figureCount, prefix: "f")
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("tally-latency-\(UUID().uuidString).sqlite").path
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        let sqlite = try SQLiteFigureStore(path: path, seed: seed)
        let sqliteTimes = try await measure(sqlite, seed: seed)

        let postgresTimes = try await PostgresTestCluster.withDatabase { settings in
            let store = try await PostgresFigureStore.connect(settings: settings, seed: seed, logger: PostgresTestCluster.logger)
            let times = try await measure(store, seed: seed)
            try await store.verify()
            await store.close()
            return times
        }
        let line = { (name: String, times: [Duration]) -> String in
            let sorted = times.map(\.milliseconds).sorted()
            return name + String(format: ": p50 %.1f ms, p90 %.1f ms, max %.1f ms", sorted[sorted.count / 2],
                                 sorted[sorted.count * 9 / 10], sorted.last!)
        }
        print("publish of \(Self.changesPerPublish) changes into \(Self.figureCount) figures, \(Self.publishes) publishes each:")
        print("  " + line("SQLite (file)", sqliteTimes))
        print("  " + line("PostgreSQL", postgresTimes))
    }

    /// Each publish replaces 90 figures and adds 10, changing different figures each time.
    private func measure(_ store: any FigureStore, seed: [Figure]) async throws -> [Duration] {
        var times: [Duration] = []
        let clock = ContinuousClock()
        for round in 0..<Self.publishes {
            var batch = (0..<90).map { offset -> Figure in
                var figure = seed[(round * 90 + offset) % seed.count]
                figure.value = .exact(Int64(round))
                return figure
            }
            batch += SyntheticFigures.make(count: 10, prefix: "new-\(round)")
            var result: PublishResult?
            let time = try await clock.measure { result = try await store.publish(PublishBatch(figures: batch)) }
            #expect(result?.state.version == UInt64(round + 2))
            times.append(time)
        }
        return times
    }
}
