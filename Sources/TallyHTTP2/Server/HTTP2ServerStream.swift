public import NIOCore
import Synchronization

/// A request as the application sees it: the header block, and the body still arriving (or
/// already complete, for the small bodies the connection buffers).
public struct HTTP2Request: Sendable {
    public let streamID: Int32
    public let headers: HTTP2Fields
    public let body: HTTP2InboundBody
    /// The peer's address, for logs.
    public let remoteAddress: String
    /// The peer's IP address alone (no port), when it has one.
    public let remoteIP: String?
    public let method: String
    /// The path without the query.
    public let path: String
    public let query: String?

    public init(streamID: Int32, headers: HTTP2Fields, body: HTTP2InboundBody, remoteAddress: SocketAddress?) {
        self.streamID = streamID
        self.headers = headers
        self.body = body
        self.remoteAddress = remoteAddress?.description ?? "unknown"
        self.remoteIP = remoteAddress?.ipAddress
        method = headers[":method"] ?? ""
        let full = headers[":path"] ?? ""
        if let question = full.firstIndex(of: "?") {
            path = String(full[..<question])
            query = String(full[full.index(after: question)...])
        } else {
            path = full
            query = nil
        }
    }
}

/// The application side of a server.
public protocol HTTP2Responder: Sendable {
    /// Called on the connection's event loop when a request has ended with a small body: a
    /// response ready now (an answer already computed), or nil to have `respond` called on a task.
    /// It must not block, wait or compute at length.
    func immediateResponse(to head: HTTP2Fields, body: [UInt8]) -> HTTP2PreparedResponse?

    /// Answers one request stream, on a task of its own; every such task is awaited before the
    /// connection's `serve` returns.
    func respond(to request: HTTP2Request, with writer: HTTP2ResponseWriter) async
}

extension HTTP2Responder {
    public func immediateResponse(to head: HTTP2Fields, body: [UInt8]) -> HTTP2PreparedResponse? { nil }
}

/// Writes one stream's response. Every method hops to the connection's event loop; `write`
/// suspends while the stream's unsent body is over its cap, so a slow reader slows the writer.
public struct HTTP2ResponseWriter: Sendable {
    let streamID: Int32
    let eventLoop: any EventLoop
    let connection: NIOLoopBound<HTTP2ServerConnectionHandler>
    private let finished = FinishedFlag()

    init(streamID: Int32, eventLoop: any EventLoop, connection: NIOLoopBound<HTTP2ServerConnectionHandler>) {
        self.streamID = streamID
        self.eventLoop = eventLoop
        self.connection = connection
    }

    /// Whether `finish` or `respond` has been called (or headers ended the stream).
    public var isFinished: Bool { finished.value }

    public func writeHead(status: Int, headers: [HTTP2HeaderField] = [], endStream: Bool = false) async throws {
        if endStream { finished.set() }
        let (connection, streamID) = (connection, streamID)
        try await eventLoop.submit {
            try connection.value.sendHead(streamID: streamID, status: status, headers: headers, endStream: endStream)
        }.get()
    }

    public func write(_ bytes: ByteBuffer) async throws {
        let (connection, streamID, loop) = (connection, streamID, eventLoop)
        try await eventLoop.flatSubmit { connection.value.sendBody(streamID: streamID, bytes, on: loop) }.get()
    }

    public func write(_ bytes: [UInt8]) async throws {
        try await write(ByteBuffer(bytes: bytes))
    }

    /// The whole response in one step: head, body and trailers.
    public func respond(status: Int, headers: [HTTP2HeaderField], body: [UInt8], trailers: [HTTP2HeaderField]) async throws {
        try await respond(HTTP2PreparedResponse(status: status, headers: headers, body: ByteBuffer(bytes: body), trailers: trailers))
    }

    /// A prepared response, as a whole (one hop).
    public func respond(_ response: HTTP2PreparedResponse) async throws {
        finished.set()
        let (connection, streamID) = (connection, streamID)
        try await eventLoop.submit { try connection.value.sendPrepared(streamID: streamID, response) }.get()
    }

    public func finish(trailers: [HTTP2HeaderField] = []) async throws {
        finished.set()
        let (connection, streamID) = (connection, streamID)
        try await eventLoop.submit { try connection.value.finishBody(streamID: streamID, trailers: trailers) }.get()
    }

    /// Resolves when the peer resets the stream or the connection closes: for long-lived streams
    /// (watch) that otherwise only notice on their next write.
    /// Returns early if the waiting task is cancelled.
    public func closed() async {
        let (connection, streamID, loop) = (connection, streamID, eventLoop)
        let signal = OneShotSignal()
        await withTaskCancellationHandler {
            eventLoop.execute {
                connection.value.closeFuture(streamID: streamID, on: loop).whenComplete { _ in signal.fire() }
            }
            await signal.wait()
        } onCancel: {
            signal.fire()
        }
    }

    /// Ends a response the responder left open (500 if nothing was sent, else the body's end).
    func finishIfOpen() async {
        guard !isFinished else { return }
        let (connection, streamID) = (connection, streamID)
        try? await eventLoop.submit { try connection.value.finishIfOpen(streamID: streamID) }.get()
    }
}

/// One request stream handed to the application, with the means to answer it.
public struct HTTP2ServerStream: Sendable {
    public let request: HTTP2Request
    public let writer: HTTP2ResponseWriter
}

/// Something that happens once, awaited by one task: fired by whichever comes first (an event or
/// the waiter's cancellation).
final class OneShotSignal: Sendable {
    private let state = Mutex<(fired: Bool, waiter: CheckedContinuation<Void, Never>?)>((false, nil))

    func wait() async {
        await withCheckedContinuation { continuation in
            let fired = state.withLock { state -> Bool in
                if !state.fired { state.waiter = continuation }
                return state.fired
            }
            if fired { continuation.resume() }
        }
    }

    func fire() {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            state.fired = true
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume()
    }
}

/// Set once when a response is complete; read from any task.
final class FinishedFlag: Sendable {
    private let state = Atomic(false)

    var value: Bool { state.load(ordering: .acquiring) }

    func set() { state.store(true, ordering: .releasing) }
}
