import Foundation
import PostgresNIO
import Testing
import TallyCodec
import TallyModel
import TallyPostgres
import TallyPostgresTestSupport
import TallyStore
import TallyTestSupport

/// Several stores on one database, each with its own pool, as replicas in separate processes
/// would be: their publishes serialize in the database, and their start-ups migrate and seed once.
@Suite(.enabled(if: PostgresTestCluster.shouldRun, "no PostgreSQL: set TALLY_TEST_POSTGRES_URL (Tests/Support/with-postgres.sh)"))
struct PostgresReplicaTests {
    let seed = SyntheticFigures.make(count: 20, prefix: "seed")

    @Test func concurrentPublishesFromTwoReplicasTakeTurns() async throws {
        try await PostgresTestCluster.withDatabase { settings in
            let one = try await PostgresFigureStore.connect(settings: settings, seed: seed, logger: PostgresTestCluster.logger)
            let two = try await PostgresFigureStore.connect(settings: settings, seed: seed, logger: PostgresTestCluster.logger)
            let seed = seed
            // Each publish adds a figure of its own and changes a seed figure another publish changes too.
            let results = try await withThrowingTaskGroup(of: (String, UInt64).self) { group in
                for (name, store) in [("one", one), ("two", two)] {
                    for index in 0..<20 {
                        group.addTask {
                            var changed = seed[index % 5]
                            changed.value = .exact(Int64(index))
                            let added = SyntheticFigures.make(count: 1, prefix: "\(name)-\(index)")
                            let result = try await store.publish(PublishBatch(figures: [changed] + added, comment: "\(name) \(index)"))
                            return (added[0].id, result.state.version)
                        }
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(results.map(\.1).sorted() == Array(2...41), "versions rise by one per publish, none twice")
            let figures = try await allFigures(one)
            #expect(figures.count == 20 + 40, "no publish lost")
            #expect(Set(results.map(\.0)).isSubset(of: Set(figures.map(\.id))))
            let state = try await one.state()
            #expect(state.version == 41)
            #expect(try await two.state() == state)
            #expect(state.hash == DatasetHash(figures: figures), "the stored digest is the digest of the stored figures")
            try await one.verify()
            try await two.verify()
            // Every version is in the change log: a client at 1 gets every figure changed since.
            guard case .changes(since: 1, _, let changes) = try await two.changes(since: 1) else {
                Issue.record("expected a delta")
                return
            }
            #expect(changes.count == 5 + 40)
            await one.close()
            await two.close()
        }
    }

    @Test func replicasStartingTogetherMigrateAndSeedOnce() async throws {
        try await PostgresTestCluster.withDatabase { settings in
            let seed = seed
            let stores = try await withThrowingTaskGroup(of: PostgresFigureStore.self) { group in
                for _ in 0..<3 {
                    group.addTask { try await PostgresFigureStore.connect(settings: settings, seed: seed, logger: PostgresTestCluster.logger) }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            let states = try await withThrowingTaskGroup(of: DatasetState.self) { group in
                for store in stores { group.addTask { try await store.state() } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(Set(states).count == 1)
            #expect(states.first?.version == 1)
            #expect(try await PostgresTestCluster.count("SELECT count(*) FROM tally_schema", in: settings) == 1)
            #expect(try await PostgresTestCluster.count("SELECT count(*) FROM figure", in: settings) == 20, "seeded once")
            #expect(try await PostgresTestCluster.count("SELECT count(*) FROM dataset", in: settings) == 1)
            try await stores[0].verify()
            // A later start finds everything done and changes nothing.
            let later = try await PostgresFigureStore.connect(settings: settings, seed: SyntheticFigures.make(count: 3, prefix: "other"),
                                                             logger: PostgresTestCluster.logger)
            #expect(try await later.state() == states[0])
            for store in stores + [later] { await store.close() }
        }
    }

    /// A reader keeps its version while another replica publishes and the log is pruned short of it.
    @Test func aReaderOfAPrunedVersionFailsInsteadOfMissingFigures() async throws {
        try await PostgresTestCluster.withDatabase { settings in
            let store = try await PostgresFigureStore.connect(settings: settings, seed: seed, logger: PostgresTestCluster.logger)
            let reader = try await store.reader()
            var changed = seed[0]
            changed.value = .exact(99)
            _ = try await store.publish(PublishBatch(figures: [changed]))
            _ = try await store.publish(PublishBatch(retractIDs: [seed[1].id]))
            #expect(try await reader.page(after: nil, limit: 100).count == 20)
            #expect(try await reader.figures(ids: [seed[0].id]).first?.value == seed[0].value, "the reader's version, not the new one")
            try await store.pruneChangeLog(keepingVersions: 1)
            await #expect(throws: StoreError.self) { try await reader.page(after: nil, limit: 100) }
            #expect(try await store.reader().page(after: nil, limit: 100).count == 19)
            // 19 current rows and the retracted one, which version 2 still sees; seed-0's first row went.
            #expect(try await PostgresTestCluster.count("SELECT count(*) FROM figure", in: settings) == 20, "rows no kept version sees pruned")
            await store.close()
        }
    }

    private func allFigures(_ store: PostgresFigureStore) async throws -> [Figure] {
        let reader = try await store.reader()
        return try await reader.page(after: nil, limit: 10_000).map { try Figure(wireBytes: $0.encoding) }
    }
}
