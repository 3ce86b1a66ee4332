import Synchronization
import TallyCodec

/// Fans published changes out to every open Watch stream, one batch per published version, in
/// version order.
///
/// Each watcher has a bounded queue. A watcher that falls further behind than that (a slow reader
/// while publishes keep coming) is not silently skipped forward: its subscription ends, marked
/// as having fallen behind, after the batches it already has; its call then ends with a
/// retryable status, and the client resumes after the last change it received, from the change
/// log. Memory stays bounded and no change is lost.
final class ChangeBroadcaster: Sendable {
    struct Batch: Sendable, Equatable {
        let version: UInt64
        var changes: [Change]
    }

    /// Why a subscription ended before the server drained.
    enum Interruption: UInt8, Sendable {
        case none = 0
        /// The queue overflowed: batches after those in `batches` were not queued.
        case fellBehind = 1
        /// The server moved to a version without its changes (a replica reloaded the dataset).
        case reloaded = 2
    }

    final class Subscription: Sendable {
        let batches: AsyncStream<Batch>
        private let interruptionCode = Atomic<UInt8>(0)

        var interruption: Interruption { Interruption(rawValue: interruptionCode.load(ordering: .acquiring)) ?? .none }

        fileprivate init(batches: AsyncStream<Batch>) { self.batches = batches }
        fileprivate func mark(_ interruption: Interruption) { interruptionCode.store(interruption.rawValue, ordering: .releasing) }
    }

    private struct Subscriber {
        let continuation: AsyncStream<Batch>.Continuation
        let subscription: Subscription
    }

    /// Batches a watcher may have queued before it counts as fallen behind.
    let queueLimit: Int
    private let subscribers = Mutex<(next: Int, all: [Int: Subscriber])>((0, [:]))

    init(queueLimit: Int) {
        self.queueLimit = max(1, queueLimit)
    }

    /// A stream of batches, one per publish, until `finishAll`, overflow, or the subscriber stops.
    func subscribe() -> Subscription {
        let (stream, continuation) = AsyncStream<Batch>.makeStream(bufferingPolicy: .bufferingOldest(queueLimit))
        let subscription = Subscription(batches: stream)
        let id = subscribers.withLock { state -> Int in
            state.next += 1
            state.all[state.next] = Subscriber(continuation: continuation, subscription: subscription)
            return state.next
        }
        continuation.onTermination = { [weak self] _ in
            _ = self?.subscribers.withLock { $0.all.removeValue(forKey: id) }
        }
        return subscription
    }

    /// Queues the batch for every watcher; a watcher whose queue is full is ended as fallen behind.
    func publish(_ batch: Batch) {
        for subscriber in subscribers.withLock({ Array($0.all.values) }) {
            if case .dropped = subscriber.continuation.yield(batch) {
                subscriber.subscription.mark(.fellBehind)
                subscriber.continuation.finish()
            }
        }
    }

    /// Ends every subscription (server draining).
    func finishAll() {
        for subscriber in subscribers.withLock({ Array($0.all.values) }) { subscriber.continuation.finish() }
    }

    /// Ends every subscription after the batches it has, marked: the dataset moved on without
    /// changes to give (each watcher resumes from the change log, or is told to sync).
    func interruptAll() {
        for subscriber in subscribers.withLock({ Array($0.all.values) }) {
            subscriber.subscription.mark(.reloaded)
            subscriber.continuation.finish()
        }
    }
}
