import Foundation
import GRDB
import Testing
import TallyCodec
import TallyModel
@testable import TallyStore
import TallyTestSupport

/// What keeps a store's work in proportion to a change rather than to the dataset: the figure
/// count kept beside the version (no COUNT(*) per reader), the change log read by its primary
/// key's range, and a full copy built in a file of its own.
@Suite(.droppingTestDatabases) struct StoreScaleTests {
    let seed = SyntheticFigures.make(count: 30, prefix: "seed")

    private func temporaryPath() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("tally-scale-\(UUID().uuidString).sqlite").path
    }

    /// Every write moves the announced count exactly: new figures, replaced ones (no change), and
    /// retractions, on every backend.
    @Test(arguments: StoreBackend.allCases)
    func theAnnouncedFigureCountFollowsEveryPublish(_ backend: StoreBackend) async throws {
        let store = try await backend.make(seed: seed)
        #expect(try await store.reader().figureCount == 30)
        var replaced = seed[2]
        replaced.value = .exact(7)
        _ = try await store.publish(PublishBatch(figures: [replaced] + SyntheticFigures.make(count: 3, prefix: "new"),
                                                 retractIDs: [seed[4].id, seed[9].id]))
        let reader = try await store.reader()
        #expect(reader.figureCount == 31)
        #expect(reader.figureCount == (try await reader.allFigures()).count)
    }

    /// The laptop's side: a delta (a new figure, a replaced one, a retraction, a retraction of one
    /// the copy never had) and a full copy leave the count the figures' own.
    @Test func aLocalCopyCountsWhatDeltasAndFullCopiesLeave() async throws {
        let server = try SQLiteFigureStore(inMemoryWith: seed)
        let path = temporaryPath()
        defer { SQLiteFigureStore.removeDatabaseFiles(at: path) }
        let copy = try SQLiteFigureStore.localCopy(path: path)
        let first = try await server.reader()
        _ = try await copy.replaceAll { deliver in
            let page = try await first.page(after: nil, limit: 100)
            try await deliver(ReceivedPage(try page.map { ReceivedFigure(figure: try Figure(wireBytes: $0.encoding), encoding: $0.encoding) }))
            return SnapshotOutcome(version: first.state.version, digest: first.state.digest, figureCount: first.figureCount)
        }
        #expect(try await copy.reader().figureCount == 30)
        // The index builds' second sorter thread is for them only (a mirror keeps its connection).
        #expect(try await copy.writer.write { db in try Int.fetchOne(db, sql: "PRAGMA threads") } == 0)

        var changed = seed[0]
        changed.value = .exact(99)
        let result = try await server.publish(PublishBatch(figures: [changed] + SyntheticFigures.make(count: 2, prefix: "new"),
                                                           retractIDs: [seed[1].id]))
        let changes = result.changes + [StoredChange(version: result.state.version, kind: .retracted(id: "never-there"))]
        let applied = try await copy.apply(changes, from: 1, to: result.state.version, expectedDigest: result.state.digest)
        #expect(applied == result.state)
        let reader = try await copy.reader()
        #expect(reader.figureCount == 31)
        #expect(reader.figureCount == (try await reader.allFigures()).count)
    }

    /// A store from before the count was kept (schema v2) gets it from its figures when migrated.
    @Test func aStoreFromSchemaTwoIsCountedWhenMigrated() async throws {
        let path = temporaryPath()
        defer { SQLiteFigureStore.removeDatabaseFiles(at: path) }
        let old = try DatabaseQueue(path: path)
        try StoreMigrations.migrator.migrate(old, upTo: "v2: searchable columns, citations, the incremental hash")
        try await old.write { db in
            var hash = DatasetHash()
            for figure in seed { hash.add(element: try SQLiteFigureStore.insert(figure, db)) }
            try db.execute(sql: "INSERT INTO dataset (id, version, digest, log_start, hash) VALUES (1, 1, ?, 1, ?)",
                           arguments: [Data(hash.checksum), Data(hash.stateBytes)])
        }
        try old.close()
        let store = try SQLiteFigureStore(path: path, seed: [])
        #expect(try await store.reader().figureCount == 30)
        try await store.verify()
    }

    /// Changes since a version are found through the change log's primary key (version first),
    /// not by walking `change_by_figure` whole: with a million entries logged, the walk was most of
    /// every Changes call and every publish. SQLite plans this without statistics, as a new file.
    @Test func changesSinceAVersionReadTheLogByItsPrimaryKey() async throws {
        let path = temporaryPath()
        defer { SQLiteFigureStore.removeDatabaseFiles(at: path) }
        let store = try SQLiteFigureStore(path: path, seed: seed)
        let plan = try await store.writer.read { db in
            try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + SQLiteFigureStore.latestChangesSQL, arguments: [1]).map { $0["detail"] as String }
        }
        #expect(plan.contains { $0.contains("USING PRIMARY KEY (version>?)") }, "\(plan)")
        #expect(!plan.contains { $0.contains("change_by_figure") }, "\(plan)")
    }

    /// A full copy is built in a file of its own and only then put in place: the old copy's file
    /// is untouched (and still readable through an open connection) until the rename, and an
    /// old write-ahead log cannot be applied to the new file.
    @Test func aBuiltCopyReplacesTheOldFileWhole() async throws {
        let path = temporaryPath()
        defer { SQLiteFigureStore.removeDatabaseFiles(at: path) }
        let old = try SQLiteFigureStore(path: path, seed: Array(seed.prefix(5)))
        let building = path + ".download"
        let fresh = try SQLiteFigureStore.building(at: building)
        let source = try SQLiteFigureStore(inMemoryWith: seed)
        let reader = try await source.reader()
        let state = try await fresh.replaceAll { deliver in
            let page = try await reader.page(after: nil, limit: 100)
            try await deliver(ReceivedPage(try page.map { ReceivedFigure(figure: try Figure(wireBytes: $0.encoding), encoding: $0.encoding) }))
            return SnapshotOutcome(version: reader.state.version, digest: reader.state.digest, figureCount: reader.figureCount)
        }
        try fresh.finishBuilding()
        #expect(try await old.reader().figureCount == 5, "the old copy is untouched while the new one is built")
        try old.close()
        try SQLiteFigureStore.moveBuilt(building, to: path)
        #expect(!FileManager.default.fileExists(atPath: building))
        let reopened = try SQLiteFigureStore.localCopy(path: path)
        #expect(try await reopened.state() == state)
        #expect(try await reopened.reader().figureCount == 30)
        try await reopened.verify()
    }
}
