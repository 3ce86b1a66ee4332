import Synchronization
import TallyCodec
import TallyModel
import TallyStore

/// The current version of the dataset, as the server answers it: a reader of that version (through
/// the store: nothing here holds the whole dataset), its consistency report, and the prepared
/// answers of the questions asked of it. Replaced as a whole when the store moves on, so a call
/// sees one version from start to end.
///
/// The store may move on by this process's publish or, on a shared database, by another replica's:
/// either way `catchUp` reads what changed since the version held and hands back the changes for
/// the watchers, each exactly once. Callers serialize `catchUp` (the publish lock).
final class DatasetCache: Sendable {
    final class Current: Sendable {
        let answers: DatasetAnswers
        let findings: ConsistencyFindings
        /// Prepared answers of this version: an answer depends only on the question and the
        /// dataset, so each is computed once per version (and goes with the version).
        let prepared = AnswerCache()

        init(reader: any DatasetReader, findings: ConsistencyFindings) {
            self.findings = findings
            answers = DatasetAnswers(reader: reader, findings: findings)
        }

        var state: DatasetState { answers.state }
    }

    /// What a catch-up found.
    enum Progress: Sendable, Equatable {
        /// Already at the store's version.
        case current
        /// Moved on; the changes not yet given to watchers, one batch per version, in order.
        case advanced([ChangeBroadcaster.Batch])
        /// Moved on without the changes (more than a delta carries, the log pruned, or the
        /// database replaced): watchers cannot be told what changed and must resume from a sync.
        case reloaded
    }

    private let store: any FigureStore
    private let current: Mutex<Current>
    /// The newest version whose changes watchers have been given (it may run ahead of `current`
    /// when the store moved again between opening a reader and reading the changes).
    private let announced: Mutex<UInt64>

    init(store: any FigureStore) async throws {
        self.store = store
        let reader = try await store.reader()
        current = Mutex(Current(reader: reader, findings: try await ConsistencyFindings(reader: reader)))
        announced = Mutex(reader.state.version)
    }

    /// The current version: one lock and one reference, cheap enough for the event loop.
    var value: Current { current.withLock { $0 } }

    /// Moves to the store's current version: a reader of it, the report rechecked only where
    /// something changed (the groups of every old and new figure), and the changes for watchers.
    func catchUp() async throws -> Progress {
        let old = value
        for attempt in 1...4 {
            let reader = try await store.reader()
            guard reader.state.version != old.state.version else { return .current }
            guard reader.state.version > old.state.version,
                  case .changes(_, let feedState, let changes) = try await store.changes(since: old.state.version) else {
                return try await reload(reader)
            }
            // The feed was read after the reader was opened, so it holds every change up to the
            // reader's version (and maybe later ones: rechecking more groups is harmless). Try
            // again for an exact match while publishes race, then go with the superset.
            if feedState.version != reader.state.version && attempt < 4 { continue }
            let written = changes.compactMap { change -> Figure? in
                if case .upsert(let figure) = change.kind { figure } else { nil }
            }
            let replaced = try await old.answers.reader.figures(ids: changes.map(\.figureID))
            let findings = try await old.findings.updated(by: written, replacing: replaced, reader: reader)
            let next = Current(reader: reader, findings: findings)
            current.withLock { $0 = next }
            return .advanced(batches(of: changes, through: feedState.version))
        }
        preconditionFailure("unreachable: the last attempt always returns")
    }

    private func reload(_ reader: any DatasetReader) async throws -> Progress {
        let next = Current(reader: reader, findings: try await ConsistencyFindings(reader: reader))
        current.withLock { $0 = next }
        announced.withLock { $0 = reader.state.version }
        return .reloaded
    }

    /// The changes after the last announced version, grouped by version.
    private func batches(of changes: [StoredChange], through version: UInt64) -> [ChangeBroadcaster.Batch] {
        announced.withLock { announced in
            var batches: [ChangeBroadcaster.Batch] = []
            for change in changes where change.version > announced {
                if batches.last?.version != change.version {
                    batches.append(ChangeBroadcaster.Batch(version: change.version, changes: []))
                }
                batches[batches.count - 1].changes.append(TallyRPC.wire(change))
            }
            announced = max(announced, version)
            return batches
        }
    }
}
