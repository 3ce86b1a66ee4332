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
        /// Encoded answers of this version: an answer depends only on the question and the dataset,
        /// so each is computed once per version (cleared with the version, bounded in size).
        let answers = AnswerCache()
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

/// Encoded response payloads by question, for one dataset version.
final class AnswerCache: Sendable {
    enum Key: Hashable, Sendable {
        case totals(TotalsQuery)
        case sources
        case consistency
    }

    /// Beyond this many distinct questions the cache starts over (memory stays bounded whatever
    /// clients ask).
    static let capacity = 4_096
    private let entries = Mutex<[Key: [UInt8]]>([:])

    func payload(_ key: Key, compute: () throws -> [UInt8]) rethrows -> [UInt8] {
        if let hit = entries.withLock({ $0[key] }) { return hit }
        let payload = try compute()
        entries.withLock { entries in
            if entries.count >= Self.capacity { entries.removeAll(keepingCapacity: true) }
            entries[key] = payload
        }
        return payload
    }
}
