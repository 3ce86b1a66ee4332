import Foundation
import Synchronization
import TallyCodec

/// Fans published changes out to every open Watch stream.
final class ChangeBroadcaster: Sendable {
    private let subscribers = Mutex<[UUID: AsyncStream<[Change]>.Continuation]>([:])

    /// A stream of change batches, one per publish, until `finishAll` or the subscriber stops.
    func subscribe() -> AsyncStream<[Change]> {
        let id = UUID()
        let (stream, continuation) = AsyncStream<[Change]>.makeStream(bufferingPolicy: .bufferingNewest(64))
        continuation.onTermination = { [weak self] _ in
            _ = self?.subscribers.withLock { $0.removeValue(forKey: id) }
        }
        subscribers.withLock { $0[id] = continuation }
        return stream
    }

    func publish(_ changes: [Change]) {
        for continuation in subscribers.withLock({ Array($0.values) }) { continuation.yield(changes) }
    }

    /// Ends every subscription (server draining).
    func finishAll() {
        for continuation in subscribers.withLock({ Array($0.values) }) { continuation.finish() }
    }

}
