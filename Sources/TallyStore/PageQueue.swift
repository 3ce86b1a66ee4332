import Foundation

/// A bounded hand-over of pages from an async producer (a download) to a consumer on a thread of
/// its own (a database transaction, which cannot await): the consumer blocks while the queue is
/// empty; the producer suspends, without blocking a thread, while it is full. So a slow disk
/// slows the download through flow control instead of filling memory. Either side can fail the
/// hand-over, and the other learns it at its next step.
final class PageQueue<Page: Sendable>: @unchecked Sendable {
    // @unchecked: every field is guarded by `condition`.
    private let condition = NSCondition()
    private var pages: [Page] = []
    private var finished = false
    private var producerFailure: (any Error)?
    private var consumerFailure: (any Error)?
    private var waitingProducer: CheckedContinuation<Void, Never>?
    private let capacity: Int

    init(capacity: Int) {
        self.capacity = capacity
    }

    // MARK: Producer

    /// Adds a page; returns once there is room for another. Throws what made the consumer give up.
    func put(_ page: Page) async throws {
        await withCheckedContinuation { continuation in
            condition.lock()
            pages.append(page)
            condition.signal()
            if pages.count <= capacity || consumerFailure != nil {
                condition.unlock()
                continuation.resume()
            } else {
                waitingProducer = continuation
                condition.unlock()
            }
        }
        if let failure = consumerGaveUp() { throw failure }
    }

    private func consumerGaveUp() -> (any Error)? {
        condition.lock()
        defer { condition.unlock() }
        return consumerFailure
    }

    /// No more pages will come.
    func finish() {
        condition.lock()
        finished = true
        condition.signal()
        condition.unlock()
    }

    /// The download failed: the consumer's next `take` throws this.
    func fail(_ error: any Error) {
        condition.lock()
        producerFailure = error
        condition.signal()
        condition.unlock()
    }

    // MARK: Consumer

    /// The next page, blocking until one comes; nil once finished and empty.
    func take() throws -> Page? {
        condition.lock()
        defer { condition.unlock() }
        while pages.isEmpty && !finished && producerFailure == nil { condition.wait() }
        if let producerFailure { throw producerFailure }
        guard !pages.isEmpty else { return nil }
        let page = pages.removeFirst()
        if pages.count <= capacity, let producer = waitingProducer {
            waitingProducer = nil
            producer.resume()
        }
        return page
    }

    /// The consumer gave up (its transaction failed): the producer's next `put` throws this.
    func abandon(_ error: any Error) {
        condition.lock()
        consumerFailure = error
        let producer = waitingProducer
        waitingProducer = nil
        condition.unlock()
        producer?.resume()
    }
}
