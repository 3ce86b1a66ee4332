import Synchronization
import TallyModel
import TallyStore

/// The current dataset in memory, with its totals engine, replaced as a whole after each publish:
/// reads never touch SQLite or wait on each other, and always see one consistent version.
final class DatasetCache: Sendable {
    final class Current: Sendable {
        let state: DatasetState
        let figures: [Figure]
        let engine: TotalsEngine
        let findings: [ConsistencyFinding]
        /// Prepared answers of this version: an answer depends only on the question and the
        /// dataset, so each is computed once per version (and goes with the version).
        let answers = AnswerCache()

        init(state: DatasetState, figures: [Figure]) {
            self.state = state
            self.figures = figures
            engine = TotalsEngine(figures: figures)
            findings = ConsistencyCheck.findings(in: figures)
        }
    }

    private let store: FigureStore
    private let current: Mutex<Current>

    init(store: FigureStore) async throws {
        self.store = store
        self.current = Mutex(try await Self.load(store))
    }

    /// The current version: one lock and one reference, cheap enough for the event loop.
    var value: Current { current.withLock { $0 } }

    /// Reloads from the store (after a publish). The store is read on its own threads and the
    /// engine built on the caller's task, never on an event loop.
    func refresh() async throws {
        let fresh = try await Self.load(store)
        current.withLock { $0 = fresh }
    }

    private static func load(_ store: FigureStore) async throws -> Current {
        let (state, figures) = try await store.snapshot()
        return Current(state: state, figures: figures)
    }
}
