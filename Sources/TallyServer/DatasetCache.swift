import Synchronization
import TallyModel
import TallyStore

/// The current version of the dataset, as the server answers it: a reader of that version (through
/// the store: nothing here holds the whole dataset), its consistency report, and the prepared
/// answers of the questions asked of it. Replaced as a whole after each publish, so a call sees one
/// version from start to end.
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

    private let store: any FigureStore
    private let current: Mutex<Current>

    init(store: any FigureStore) async throws {
        self.store = store
        let reader = try await store.reader()
        current = Mutex(Current(reader: reader, findings: try await ConsistencyFindings(reader: reader)))
    }

    /// The current version: one lock and one reference, cheap enough for the event loop.
    var value: Current { current.withLock { $0 } }

    /// Moves to the version a publish made: a reader of it, and the report rechecked where the
    /// publish changed something.
    func advance(after publish: PublishResult) async throws {
        let reader = try await store.reader()
        let written = publish.changes.compactMap { change -> Figure? in
            if case .upsert(let figure) = change.kind { figure } else { nil }
        }
        let findings = try await value.findings.updated(by: written, replacing: publish.replaced, reader: reader)
        let next = Current(reader: reader, findings: findings)
        current.withLock { $0 = next }
    }
}
