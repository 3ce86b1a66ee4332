import Foundation
import PostgresNIO

/// A connection from the pool within a bounded wait. postgres-nio's pool queues a request while
/// it fails to connect (for up to 15 s, then fails every request at once until a connection
/// succeeds): a publish during an outage would hang that long. Here the wait for the lease is
/// bounded, and only the wait: once a connection is leased, the operation runs to its end (a
/// publish is never cut off between its commit and its answer). A gate decides which happens
/// first, the lease or the deadline, so the two never both win.
enum PoolLease {
    /// No connection was leased, so `body` never ran: within the wait (`cause` nil), or the pool
    /// failed the request (its circuit breaker open while connections fail). Safe to retry.
    struct NotLeased: Error {
        var waited: Duration
        var cause: (any Error)?
    }

    static func run<T: Sendable>(_ client: PostgresClient, waitingAtMost limit: Duration,
                                 _ body: @escaping @Sendable (PostgresConnection) async throws -> T) async throws -> T {
        let gate = Gate()
        do {
            return try await withThrowingTaskGroup(of: T?.self) { group in
                group.addTask {
                    try await client.withConnection { connection in
                        guard gate.pass(.leased) else { throw NotLeased(waited: limit) }
                        return try await body(connection)
                    }
                }
                group.addTask {
                    try? await Task.sleep(for: limit)
                    if gate.pass(.timedOut) { throw NotLeased(waited: limit) }
                    return nil
                }
                while let finished = try await group.next() {
                    if let value = finished {
                        group.cancelAll()
                        return value
                    }
                }
                // Both children ended without a value: only possible when the body was cancelled.
                throw CancellationError()
            }
        } catch let error as NotLeased {
            throw error
        } catch where !gate.hasLeased && !(error is CancellationError) {
            throw NotLeased(waited: limit, cause: error)
        }
    }

    /// Lets the first of the lease and the deadline through, and refuses the other.
    private final class Gate: @unchecked Sendable {
        // @unchecked: `winner` is guarded by `lock`.
        enum Side { case leased, timedOut }
        private let lock = NSLock()
        private var winner: Side?

        var hasLeased: Bool {
            lock.lock()
            defer { lock.unlock() }
            return winner == .leased
        }

        func pass(_ side: Side) -> Bool {
            lock.lock()
            defer { lock.unlock() }
            if winner == nil { winner = side }
            return winner == side
        }
    }
}
