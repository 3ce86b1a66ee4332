import Synchronization

/// A request or response body as it arrives, chunk by chunk. Taking a chunk tells the connection, which then
/// reopens the HTTP/2 flow-control window by that much: the peer can only send what the application
/// has read, plus one window.
public final class HTTP2InboundBody: AsyncSequence, Sendable {
    public typealias Element = [UInt8]

    struct State {
        var chunks: [[UInt8]] = []
        var finished = false
        var failure: HTTP2StreamError?
        var waiter: CheckedContinuation<[UInt8]?, any Error>?
        /// A reader waiting for a chunk was cancelled: its wait (and any later one) ends with
        /// `CancellationError`, and the caller's scope resets the stream.
        var cancelled = false
    }

    private let state = Mutex(State())
    private let consumed: @Sendable (Int) -> Void

    /// - Parameter consumed: called with the size of each chunk the application takes.
    public init(consumed: @escaping @Sendable (Int) -> Void) {
        self.consumed = consumed
    }

    // MARK: Producer side (the connection's event loop)

    public func append(_ chunk: [UInt8]) {
        let waiter = state.withLock { state -> CheckedContinuation<[UInt8]?, any Error>? in
            if let waiter = state.waiter {
                state.waiter = nil
                return waiter
            }
            state.chunks.append(chunk)
            return nil
        }
        waiter?.resume(returning: chunk)
    }

    public func finish() {
        let waiter = state.withLock { state -> CheckedContinuation<[UInt8]?, any Error>? in
            state.finished = true
            defer { state.waiter = nil }
            return state.chunks.isEmpty ? state.waiter : nil
        }
        waiter?.resume(returning: nil)
    }

    public func fail(_ error: HTTP2StreamError) {
        let waiter = state.withLock { state -> CheckedContinuation<[UInt8]?, any Error>? in
            if !state.finished { state.failure = error }
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume(throwing: error)
    }

    // MARK: Consumer side (the application)

    public struct AsyncIterator: AsyncIteratorProtocol {
        let body: HTTP2InboundBody

        public mutating func next() async throws -> [UInt8]? {
            let chunk = try await body.nextChunk()
            if let chunk { body.consumed(chunk.count) }
            return chunk
        }
    }

    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(body: self) }

    private enum Immediate {
        case chunk([UInt8])
        case end
        case failure(HTTP2StreamError)
        case cancelled
        case wait
    }

    private func nextChunk() async throws -> [UInt8]? {
        let immediate = state.withLock { state -> Immediate in
            if !state.chunks.isEmpty { return .chunk(state.chunks.removeFirst()) }
            if let failure = state.failure { return .failure(failure) }
            if state.finished { return .end }
            return state.cancelled ? .cancelled : .wait
        }
        switch immediate {
        case .chunk(let chunk): return chunk
        case .end: return nil
        case .failure(let error): throw error
        case .wait:
            return try await withTaskCancellationHandler {
                try await withCheckedThrowingContinuation { continuation in
                    let resolved = state.withLock { state -> Immediate in
                        if !state.chunks.isEmpty { return .chunk(state.chunks.removeFirst()) }
                        if let failure = state.failure { return .failure(failure) }
                        if state.finished { return .end }
                        if state.cancelled { return .cancelled }
                        state.waiter = continuation
                        return .wait
                    }
                    switch resolved {
                    case .chunk(let chunk): continuation.resume(returning: chunk)
                    case .end: continuation.resume(returning: nil)
                    case .failure(let error): continuation.resume(throwing: error)
                    case .cancelled: continuation.resume(throwing: CancellationError())
                    case .wait: break
                    }
                }
            } onCancel: {
                let waiter = state.withLock { state -> CheckedContinuation<[UInt8]?, any Error>? in
                    state.cancelled = true
                    defer { state.waiter = nil }
                    return state.waiter
                }
                waiter?.resume(throwing: CancellationError())
            }
        case .cancelled:
            throw CancellationError()
        }
    }

    /// Reads the whole body, failing once it exceeds `limit` bytes (the rest is not read).
    public func collect(upTo limit: Int) async throws -> [UInt8] {
        var bytes: [UInt8] = []
        for try await chunk in self {
            bytes += chunk
            if bytes.count > limit { throw HTTP2StreamError.bodyTooLarge(limit: limit) }
        }
        return bytes
    }
}

/// Why a stream operation could not complete.
public enum HTTP2StreamError: Error, Sendable, Equatable {
    /// The peer reset the stream, or the connection closed, before the operation.
    case closed(errorCode: UInt32)
    case bodyTooLarge(limit: Int)
    /// The request's deadline passed before the body ended.
    case deadlineExceeded
}
