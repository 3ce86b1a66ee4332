import Logging
import TallyStore

/// The one way the served version moves on, whoever made the change: this process's publish (the
/// Publish call, holding `lock` from commit to broadcast) or, on a shared database, another
/// replica's (the follower). Both catch the cache up under `lock`, so versions reach the cache
/// and the watchers in order and each change reaches each watcher exactly once.
struct DatasetUpdates: Sendable {
    let store: any FigureStore
    let cache: DatasetCache
    let broadcaster: ChangeBroadcaster
    let metrics: ServerMetrics
    let logger: Logger
    let lock = AsyncLock()

    /// Catches up with the store, taking the lock.
    func catchUp() async throws {
        try await lock.withLock { try await catchUpLocked() }
    }

    /// Catches up with the store (a replica's mirror first pulls from the shared database); the
    /// caller holds `lock`.
    func catchUpLocked() async throws {
        if let mirrored = store as? MirroredFigureStore { try await mirrored.pull() }
        let from = cache.value.state.version
        switch try await cache.catchUp() {
        case .current:
            return
        case .advanced(let batches):
            for batch in batches { broadcaster.publish(batch) }
        case .reloaded:
            logger.warning("reloaded the dataset without its changes; watches resume from the change log",
                           metadata: ["from": "\(from)", "to": "\(cache.value.state.version)"])
            broadcaster.interruptAll()
        }
        metrics.datasetVersion.record(Double(cache.value.state.version))
    }
}
