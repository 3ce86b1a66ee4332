import Foundation
import Synchronization
import TallyStore

/// A shared database for replica tests without a database server: a SQLite file that several
/// replicas' mirrors pull from, whose commit signals and outages the test controls. Every publish
/// through it signals its version to every listener, as PostgreSQL's NOTIFY does; `outage` makes
/// every call fail with `StoreError.unavailable` and tells the listeners, as a lost database would.
final class ControlledSharedStore: SharedFigureStore {
    let inner: SQLiteFigureStore
    private let listeners = Mutex<[Int: AsyncStream<CommitSignal>.Continuation]>([:])
    private let next = Atomic(0)
    private let away = Atomic(false)

    init(inner: SQLiteFigureStore) { self.inner = inner }

    /// Starts or ends an outage; listeners hear of it as a real store's would.
    func setOutage(_ outage: Bool) async throws {
        away.store(outage, ordering: .sequentiallyConsistent)
        if outage {
            signal(.unreachable("connection refused (test outage)"))
        } else {
            signal(.version(try await inner.state().version))
        }
    }

    /// Replicas listening now (each follower subscribes when its server starts running).
    var listenerCount: Int { listeners.withLock { $0.count } }

    func signal(_ signal: CommitSignal) {
        for listener in listeners.withLock({ Array($0.values) }) { listener.yield(signal) }
    }

    private func available() throws {
        if away.load(ordering: .sequentiallyConsistent) { throw StoreError.unavailable("connection refused (test outage)") }
    }

    func state() async throws -> DatasetState { try available(); return try await inner.state() }

    func publish(_ batch: PublishBatch) async throws -> PublishResult {
        try available()
        let result = try await inner.publish(batch)
        signal(.version(result.state.version))
        return result
    }

    func changes(since version: UInt64, limit: Int) async throws -> ChangeFeed {
        try available()
        return try await inner.changes(since: version, limit: limit)
    }

    func pruneChangeLog(keepingVersions versions: UInt64) async throws {
        try available()
        try await inner.pruneChangeLog(keepingVersions: versions)
    }

    func reader() async throws -> any DatasetReader { try available(); return try await inner.reader() }

    func verify() async throws { try available(); try await inner.verify() }

    func commits(checkingEvery interval: Duration) -> AsyncStream<CommitSignal> {
        let (stream, continuation) = AsyncStream<CommitSignal>.makeStream()
        let id = next.add(1, ordering: .relaxed).newValue
        listeners.withLock { $0[id] = continuation }
        continuation.onTermination = { [weak self] _ in _ = self?.listeners.withLock { $0.removeValue(forKey: id) } }
        return stream
    }
}
