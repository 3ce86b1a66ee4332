import Foundation
import Testing
import TallyCodec
import TallyDataset
import TallyModel
import TallyStore
import TallyTestSupport

/// What every store promises (`FigureStore`), checked on each backend.
@Suite(.droppingTestDatabases) struct FigureStoreTests {
    let seed = SyntheticFigures.make(count: 20, prefix: "seed")

    @Test(arguments: StoreBackend.allCases)
    func newStoreIsSeededAsVersionOneWithTheHashOfItsFigures(_ backend: StoreBackend) async throws {
        let store = try await backend.make(seed: seed)
        let state = try await store.state()
        let figures = try await store.allFigures()
        #expect(state.version == 1)
        #expect(figures.count == 20)
        #expect(figures.allSatisfy { $0.revision == 1 })
        #expect(state.hash == DatasetHash(figures: figures))
        #expect(state.digest == DatasetHash(figures: figures).checksum)
        try await store.verify()
    }

    @Test func embeddedDatasetSeedsAFileStoreInWALMode() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("tally-store-\(UUID().uuidString).sqlite").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let store = try SQLiteFigureStore.openSeeded(path: path)
        #expect(try await store.allFigures().count == (try EmbeddedDataset.load()).count)
        #expect(FileManager.default.fileExists(atPath: path + "-wal"))
        // Reopening does not seed again.
        let again = try SQLiteFigureStore.openSeeded(path: path)
        #expect(try await again.state() == store.state())
    }

    @Test(arguments: StoreBackend.allCases)
    func publishIsOneNewVersionAndUpdatesTheHashFromWhatChanged(_ backend: StoreBackend) async throws {
        let store = try await backend.make(seed: seed)
        var changed = seed[3]
        changed.value = .exact(1)
        let added = SyntheticFigures.make(count: 2, prefix: "new")
        let result = try await store.publish(PublishBatch(figures: [changed] + added, retractIDs: [seed[5].id], comment: "test"))
        #expect(result.state.version == 2)
        #expect(result.upserted == 3 && result.retracted == 1)
        #expect(Set(result.replaced.map(\.id)) == [seed[3].id, seed[5].id], "the old versions, for derived state")
        let figures = try await store.allFigures()
        #expect(try await store.state() == result.state)
        #expect(figures.count == 21)
        #expect(figures.first { $0.id == seed[3].id }?.value == .exact(1))
        #expect(figures.first { $0.id == seed[3].id }?.revision == 2)
        #expect(figures.first { $0.id == seed[4].id }?.revision == 1)
        #expect(!figures.contains { $0.id == seed[5].id })
        // The hash kept in O(changes) is the hash of the figures computed from scratch.
        #expect(result.state.hash == DatasetHash(figures: figures))
        #expect(result.state.digest != (try await backend.make(seed: seed).state().digest))
        try await store.verify()
    }

    /// One bad figure in a batch: every problem named by position, id and field; nothing written.
    @Test(arguments: StoreBackend.allCases)
    func badBatchWritesNothing(_ backend: StoreBackend) async throws {
        let store = try await backend.make(seed: seed)
        let before = try await store.state()
        var bad = SyntheticFigures.make(count: 3, prefix: "b")
        bad[1].period = Period(start: Day(iso: "2025-01-02")!, end: Day(iso: "2025-01-01")!)
        bad[2].citations = []
        await #expect(throws: PublishError.invalid([
            FigureViolation(index: 1, figureID: "b-1", field: "period.end_day", problem: "ends (2025-01-01) before it starts (2025-01-02)"),
            FigureViolation(index: 2, figureID: "b-2", field: "citations", problem: "missing: a figure needs at least one source"),
        ])) { try await store.publish(PublishBatch(figures: bad)) }
        await #expect(throws: PublishError.invalid([FigureViolation(figureID: "nope", field: "retract_ids[0]", problem: "no figure with this id")])) {
            try await store.publish(PublishBatch(figures: [SyntheticFigures.make(count: 1, prefix: "ok")[0]], retractIDs: ["nope"]))
        }
        #expect(try await store.state() == before)
        #expect(try await store.allFigures().count == 20)
    }

    @Test(arguments: StoreBackend.allCases)
    func expectedVersionGuardsAgainstLostUpdates(_ backend: StoreBackend) async throws {
        let store = try await backend.make(seed: seed)
        let one = SyntheticFigures.make(count: 1, prefix: "x")
        await #expect(throws: PublishError.versionMismatch(expected: 7, current: 1)) { try await store.publish(PublishBatch(figures: one, expectedVersion: 7)) }
        #expect(try await store.publish(PublishBatch(figures: one, expectedVersion: 1)).state.version == 2)
        await #expect(throws: PublishError.empty) { try await store.publish(PublishBatch()) }
    }

    /// Publishes at the same moment serialize: versions rise by one each, nothing is lost, and
    /// the stored hash is the hash of the stored figures.
    @Test(arguments: StoreBackend.allCases)
    func concurrentPublishesSerialize(_ backend: StoreBackend) async throws {
        let store = try await backend.make(seed: seed)
        let versions = try await withThrowingTaskGroup(of: UInt64.self) { group in
            for index in 0..<8 {
                group.addTask { try await store.publish(PublishBatch(figures: SyntheticFigures.make(count: 5, prefix: "c\(index)"))).state.version }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(versions.sorted() == Array(2...9))
        #expect(try await store.allFigures().count == 20 + 40)
        try await store.verify()
    }

    @Test(arguments: StoreBackend.allCases)
    func changeFeedCollapsesToTheLatestChangePerFigure(_ backend: StoreBackend) async throws {
        let store = try await backend.make(seed: seed)
        var a = seed[0]
        a.value = .exact(10)
        _ = try await store.publish(PublishBatch(figures: [a]))                 // v2
        a.value = .exact(20)
        _ = try await store.publish(PublishBatch(figures: [a], retractIDs: [seed[1].id]))  // v3
        _ = try await store.publish(PublishBatch(retractIDs: [seed[2].id]))     // v4

        guard case .changes(since: 1, let state, let changes) = try await store.changes(since: 1) else {
            Issue.record("expected a delta")
            return
        }
        #expect(state.version == 4)
        #expect(changes.count == 3)
        // In version order, then by id; seed-0 changed twice and is sent once, as it is now.
        if case .upsert(let figure) = changes[0].kind { #expect(figure.value == .exact(20) && changes[0].version == 3) } else { Issue.record("expected upsert") }
        #expect(changes[1] == StoredChange(version: 3, kind: .retracted(id: seed[1].id)))
        #expect(changes[2] == StoredChange(version: 4, kind: .retracted(id: seed[2].id)))

        guard case .changes(_, _, let none) = try await store.changes(since: 4) else { Issue.record("expected a delta"); return }
        #expect(none.isEmpty)
        // More figures changed than the caller's limit: a full download instead (three changed since v1).
        if case .changes(_, _, let exactly) = try await store.changes(since: 1, limit: 3) { #expect(exactly.count == 3) } else { Issue.record("expected a delta") }
        #expect(try await store.changes(since: 1, limit: 2) == .snapshotRequired(state))
        // Older than the log, or newer than the store: the snapshot is needed.
        #expect(try await store.changes(since: 0) == .snapshotRequired(state))
        #expect(try await store.changes(since: 9) == .snapshotRequired(state))
        try await store.pruneChangeLog(keepingVersions: 1)
        #expect(try await store.changes(since: 2) == .snapshotRequired(state))
        if case .changes(_, _, let last) = try await store.changes(since: 3) { #expect(last.count == 1) } else { Issue.record("expected a delta") }
    }

    @Test(arguments: StoreBackend.allCases)
    func aReaderFindsFiguresByID(_ backend: StoreBackend) async throws {
        let store = try await backend.make(seed: seed)
        let reader = try await store.reader()
        let wanted = [seed[3].id, "absent", seed[1].id]
        let found = try await reader.figures(ids: wanted)
        #expect(found.map(\.id) == [seed[1].id, seed[3].id].sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) })
        #expect(found.map(\.value) == found.map { figure in seed.first { $0.id == figure.id }!.value })
        #expect(try await reader.figures(ids: []).isEmpty)
    }

    /// A reader keeps reading the version it was opened at while publishes go on.
    @Test(arguments: StoreBackend.snapshotReaders)
    func aReaderSeesOneVersionWhateverIsPublished(_ backend: StoreBackend) async throws {
        let store = try await backend.make(seed: seed)
        let reader = try await store.reader()
        _ = try await store.publish(PublishBatch(figures: SyntheticFigures.make(count: 30, prefix: "later"), retractIDs: [seed[0].id]))
        let seen = try await reader.allFigures()
        #expect(reader.state.version == 1)
        #expect(seen.count == 20 && seen.contains { $0.id == seed[0].id })
        #expect(DatasetHash(figures: seen) == reader.state.hash)
        #expect(try await store.reader().allFigures().count == 49)
    }
}
