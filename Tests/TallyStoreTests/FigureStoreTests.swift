import Foundation
import Testing
import TallyCodec
import TallyDataset
import TallyModel
import TallyStore
import TallyTestSupport

@Suite struct FigureStoreTests {
    let seed = SyntheticFigures.make(count: 20, prefix: "seed")

    private func temporaryPath() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("tally-store-\(UUID().uuidString).sqlite").path
    }

    @Test func newStoreIsSeededAsVersionOneWithTheDigestOfItsFigures() async throws {
        let store = try FigureStore(inMemoryWith: seed)
        let (state, figures) = try await store.snapshot()
        #expect(state.version == 1)
        #expect(figures.count == 20)
        #expect(figures.allSatisfy { $0.revision == 1 })
        #expect(state.digest == DatasetDigester.digest(of: figures))
        try await store.verify()
    }

    @Test func embeddedDatasetSeedsAFileStoreInWALMode() async throws {
        let path = temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let store = try FigureStore.openSeeded(path: path)
        #expect(try await store.snapshot().figures.count == (try EmbeddedDataset.load()).count)
        #expect(FileManager.default.fileExists(atPath: path + "-wal"))
        // Reopening does not seed again.
        let again = try FigureStore.openSeeded(path: path)
        #expect(try await again.state() == store.state())
    }

    @Test func publishIsOneNewVersionWithRevisionsAndADigest() async throws {
        let store = try FigureStore(inMemoryWith: seed)
        var changed = seed[3]
        changed.value = .exact(1)
        let added = SyntheticFigures.make(count: 2, prefix: "new")
        let result = try await store.publish(PublishBatch(figures: [changed] + added, retractIDs: [seed[5].id], comment: "test"))
        #expect(result.state.version == 2)
        #expect(result.upserted == 3 && result.retracted == 1)
        let (state, figures) = try await store.snapshot()
        #expect(state == result.state)
        #expect(figures.count == 21)
        #expect(try await store.figure(id: seed[3].id)?.value == .exact(1))
        #expect(try await store.figure(id: seed[3].id)?.revision == 2)
        #expect(try await store.figure(id: seed[4].id)?.revision == 1)
        #expect(try await store.figure(id: seed[5].id) == nil)
        #expect(state.digest == DatasetDigester.digest(of: figures))
        #expect(state.digest != (try await FigureStore(inMemoryWith: seed).state().digest))
    }

    /// One bad figure in a batch: every problem named by position, id and field; nothing written.
    @Test func badBatchWritesNothing() async throws {
        let store = try FigureStore(inMemoryWith: seed)
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
        #expect(try await store.snapshot().figures.count == 20)
    }

    @Test func expectedVersionGuardsAgainstLostUpdates() async throws {
        let store = try FigureStore(inMemoryWith: seed)
        let one = SyntheticFigures.make(count: 1, prefix: "x")
        await #expect(throws: PublishError.versionMismatch(expected: 7, current: 1)) { try await store.publish(PublishBatch(figures: one, expectedVersion: 7)) }
        #expect(try await store.publish(PublishBatch(figures: one, expectedVersion: 1)).state.version == 2)
        await #expect(throws: PublishError.empty) { try await store.publish(PublishBatch()) }
    }

    @Test func changeFeedCollapsesToTheLatestChangePerFigure() async throws {
        let store = try FigureStore(inMemoryWith: seed)
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
        // Older than the log, or newer than the store: the snapshot is needed.
        #expect(try await store.changes(since: 0) == .snapshotRequired(state))
        #expect(try await store.changes(since: 9) == .snapshotRequired(state))
        try await store.pruneChangeLog(keepingVersions: 1)
        #expect(try await store.changes(since: 2) == .snapshotRequired(state))
        if case .changes(_, _, let last) = try await store.changes(since: 3) { #expect(last.count == 1) } else { Issue.record("expected a delta") }
    }

    /// Applying the feed to an old copy gives the current dataset, digest included.
    @Test func feedAppliedToAnOldCopyReproducesTheDataset() async throws {
        let store = try FigureStore(inMemoryWith: seed)
        var copy = Dictionary(uniqueKeysWithValues: try await store.snapshot().figures.map { ($0.id, $0) })
        var rng = SeededRandom(seed: 3)
        for round in 0..<5 {
            let current = try await store.snapshot().figures
            var changed = SyntheticFigures.make(count: 3, prefix: "r\(round)")
            changed.append(try #require(current.randomElement(using: &rng)))
            changed[3].value = .exact(Int64(round))
            let retract = current.map(\.id).filter { !changed.map(\.id).contains($0) }.prefix(1)
            _ = try await store.publish(PublishBatch(figures: changed, retractIDs: Array(retract)))
        }
        guard case .changes(_, let state, let changes) = try await store.changes(since: 1) else { Issue.record("expected a delta"); return }
        for change in changes {
            switch change.kind {
            case .upsert(let figure): copy[figure.id] = figure
            case .retracted(let id): copy[id] = nil
            }
        }
        #expect(DatasetDigester.digest(of: Array(copy.values)) == state.digest)
    }
}
