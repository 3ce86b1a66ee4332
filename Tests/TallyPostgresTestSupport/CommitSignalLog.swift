import Foundation
public import TallyStore

/// Every signal a `commits(checkingEvery:)` stream gave, read by a task of its own, so a test
/// can wait for a signal it expects with a deadline (and learn when it came) instead of sleeping
/// and hoping it came.
public actor CommitSignalLog {
    public private(set) var signals: [CommitSignal] = []
    private var arrivals: [ContinuousClock.Instant] = []
    private var waiters: [UUID: Waiter] = [:]
    private var reader: Task<Void, Never>?

    private struct Waiter {
        var from: Int
        var predicate: @Sendable (CommitSignal) -> Bool
        var continuation: CheckedContinuation<(CommitSignal, ContinuousClock.Instant)?, Never>
    }

    public init() {}

    /// A log of `stream`, read until `stop()`.
    public static func following(_ stream: AsyncStream<CommitSignal>) async -> CommitSignalLog {
        let log = CommitSignalLog()
        await log.read(stream)
        return log
    }

    private func read(_ stream: AsyncStream<CommitSignal>) {
        reader = Task { [weak self] in
            for await signal in stream { await self?.record(signal) }
        }
    }

    /// Ends the stream (its follower closes its connection).
    public func stop() {
        reader?.cancel()
    }

    public var count: Int { signals.count }

    private func record(_ signal: CommitSignal) {
        signals.append(signal)
        arrivals.append(.now)
        for (id, waiter) in waiters where signals.count - 1 >= waiter.from && waiter.predicate(signal) {
            waiters[id] = nil
            waiter.continuation.resume(returning: (signal, arrivals.last!))
        }
    }

    /// The first signal at position `from` or later that `predicate` accepts, and when it came;
    /// nil when none has come within `limit`.
    public func first(from: Int = 0, within limit: Duration,
                      where predicate: @escaping @Sendable (CommitSignal) -> Bool) async -> (CommitSignal, ContinuousClock.Instant)? {
        if let index = signals.indices.first(where: { $0 >= from && predicate(signals[$0]) }) {
            return (signals[index], arrivals[index])
        }
        let id = UUID()
        return await withCheckedContinuation { continuation in
            waiters[id] = Waiter(from: from, predicate: predicate, continuation: continuation)
            Task {
                try? await Task.sleep(for: limit)
                self.timeOut(id)
            }
        }
    }

    /// The first `.version(version)` from `from` on, within `limit`.
    public func version(_ version: UInt64, from: Int = 0, within limit: Duration) async -> ContinuousClock.Instant? {
        await first(from: from, within: limit) { $0 == .version(version) }?.1
    }

    /// The first `.unreachable` from `from` on, within `limit`, and its reason.
    public func unreachable(from: Int = 0, within limit: Duration) async -> String? {
        guard case .unreachable(let reason)? = await first(from: from, within: limit, where: { signal in
            if case .unreachable = signal { true } else { false }
        })?.0 else { return nil }
        return reason
    }

    private func timeOut(_ id: UUID) {
        waiters.removeValue(forKey: id)?.continuation.resume(returning: nil)
    }
}
