// Publish latency, PostgreSQL beside SQLite (a file), in one run of a release build: what the
// debug-built test prints is mostly unoptimised encoding and hashing. Run it inside a server:
//   swift build -c release --product TallyPublishLatency
//   TALLY_POSTGRES_DURABLE=1 Tests/Support/with-postgres.sh .build/release/TallyPublishLatency
import Foundation
import TallyPostgres
import TallyPostgresTestSupport
import TallyStore

/// Off the main actor: the stores are used from the tasks they run on.
enum PublishLatencyRun {
    static func run() async throws {
        let latency = PublishLatency()
        let seed = latency.seed()
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("tally-latency-\(UUID().uuidString).sqlite").path
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }

        let sqlite = try await latency.measure(try SQLiteFigureStore(path: path, seed: seed), seed: seed)
        let postgres = try await PostgresTestCluster.withDatabase { settings in
            let store = try await PostgresFigureStore.connect(settings: settings, seed: seed, logger: PostgresTestCluster.logger)
            let times = try await latency.measure(store, seed: seed)
            try await store.verify()
            await store.close()
            return times
        }
        print("publish of \(latency.changes) changes into \(latency.figures) figures, \(latency.publishes) publishes each (release build):")
        print("  " + PublishLatency.summary("SQLite (file, synchronous=FULL)", sqlite))
        print("  " + PublishLatency.summary("PostgreSQL", postgres))
    }
}

try await PublishLatencyRun.run()
