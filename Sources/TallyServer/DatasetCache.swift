import Synchronization
import TallyModel
import TallyStore

/// The current dataset in memory, with its totals engine, replaced as a whole after each publish:
/// reads never block on SQLite or on each other, and always see one consistent version.
final class DatasetCache: Sendable {
    struct Current: Sendable {
        let state: DatasetState
        let figures: [Figure]
        let engine: TotalsEngine
        let findings: [ConsistencyFinding]
    }

    private let store: FigureStore
    private let current: Mutex<Current>

    init(store: FigureStore) throws {
        self.store = store
        self.current = Mutex(try Self.load(store))
    }

    var value: Current { current.withLock { $0 } }

    /// Reloads from the store (after a publish).
    func refresh() throws {
        let fresh = try Self.load(store)
        current.withLock { $0 = fresh }
    }

    private static func load(_ store: FigureStore) throws -> Current {
        let (state, figures) = try store.snapshot()
        return Current(state: state, figures: figures, engine: TotalsEngine(figures: figures), findings: ConsistencyCheck.findings(in: figures))
    }
}
