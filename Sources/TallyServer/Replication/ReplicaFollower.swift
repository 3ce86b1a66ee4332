import Logging
import TallyStore

/// Keeps a replica on a shared database current: on every commit signal newer than the version
/// served, catches the cache and the watchers up (`DatasetUpdates`); records the database's
/// reachability as the signals report it. Runs until its task is cancelled.
struct ReplicaFollower: Sendable {
    let store: any SharedFigureStore
    let updates: DatasetUpdates
    let status: DatabaseStatus
    let checkInterval: Duration
    let logger: Logger

    func run() async {
        for await signal in store.commits(checkingEvery: checkInterval) {
            switch signal {
            case .version(let version):
                updates.metrics.recordDatabaseReachable(true)
                if let away = status.reachable() {
                    logger.notice("the database is reachable again", metadata: ["after": "\(away)"])
                }
                guard version > updates.cache.value.state.version else { continue }
                do {
                    try await updates.catchUp()
                } catch is CancellationError {
                    return
                } catch {
                    // The next signal (at most `checkInterval` away) tries again.
                    logger.warning("could not move to the database's version", metadata: ["version": "\(version)", "error": "\(error)"])
                }
            case .unreachable(let reason):
                updates.metrics.recordDatabaseReachable(false)
                if status.unreachable(reason) {
                    logger.error("the database is unreachable; serving the version loaded", metadata: [
                        "version": "\(updates.cache.value.state.version)", "reason": "\(reason)"])
                }
            }
        }
    }
}
