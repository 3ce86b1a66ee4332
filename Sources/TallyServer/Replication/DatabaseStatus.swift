import Synchronization

/// Whether the database answered the last time this replica asked, for `/readyz` and
/// `tally_database_reachable`. A replica whose database is away keeps serving the version it has
/// (reads need nothing else); it only cannot publish or move on.
final class DatabaseStatus: Sendable {
    struct Outage: Sendable, Equatable {
        var since: ContinuousClock.Instant
        var reason: String
    }

    private let outage = Mutex<Outage?>(nil)

    /// The current outage, if any.
    var current: Outage? { outage.withLock { $0 } }

    /// Records that the database cannot be reached; returns true when this starts an outage.
    @discardableResult
    func unreachable(_ reason: String, at now: ContinuousClock.Instant = .now) -> Bool {
        outage.withLock { outage in
            if outage == nil {
                outage = Outage(since: now, reason: reason)
                return true
            }
            outage?.reason = reason
            return false
        }
    }

    /// Records that the database answered; returns how long it had been away, if it had.
    @discardableResult
    func reachable(at now: ContinuousClock.Instant = .now) -> Duration? {
        outage.withLock { outage in
            defer { outage = nil }
            return outage.map { now - $0.since }
        }
    }

    /// The text of `/readyz` beyond "ready", naming the outage and the version still served.
    func readinessNote(servingVersion version: UInt64, now: ContinuousClock.Instant = .now) -> String? {
        guard let outage = current else { return nil }
        let seconds = (now - outage.since).components.seconds
        return "the database is unreachable since \(seconds) s (\(outage.reason)); serving dataset version \(version), publishing is unavailable"
    }
}
