import NIOCore
import Synchronization

/// A request as the application sees it: the header block, and the body still arriving.
public struct HTTP2Request: Sendable {
    public let streamID: Int32
    public let headers: [HTTP2HeaderField]
    public let body: HTTP2InboundBody
    /// The peer's address, for logs.
    public let remoteAddress: String
    /// The peer's IP address alone (no port), when it has one.
    public let remoteIP: String?
    public let method: String
    /// The path without the query.
    public let path: String
    public let query: String?

    init(streamID: Int32, headers: [HTTP2HeaderField], body: HTTP2InboundBody, remoteAddress: SocketAddress?) {
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

    public func write(_ bytes: [UInt8]) async throws {
        let (connection, streamID, loop) = (connection, streamID, eventLoop)
        try await eventLoop.flatSubmit { connection.value.sendBody(streamID: streamID, bytes, on: loop) }.get()
    }

    /// The whole response in one step: head, body and trailers.
    public func respond(status: Int, headers: [HTTP2HeaderField], body: [UInt8], trailers: [HTTP2HeaderField]) async throws {
        finished.set()
        let (connection, streamID) = (connection, streamID)
        try await eventLoop.submit {
            try connection.value.sendResponse(streamID: streamID, status: status, headers: headers, body: body, trailers: trailers)
        }.get()
    }

    public func finish(trailers: [HTTP2HeaderField] = []) async throws {
        finished.set()
        let (connection, streamID) = (connection, streamID)
        try await eventLoop.submit { try connection.value.finishBody(streamID: streamID, trailers: trailers) }.get()
    }

    /// Resolves when the peer resets the stream or the connection closes: for long-lived streams
    /// (watch) that otherwise only notice on their next write.
    public func closed() async {
        let (connection, streamID, loop) = (connection, streamID, eventLoop)
        _ = try? await eventLoop.flatSubmit { connection.value.closeFuture(streamID: streamID, on: loop) }.get()
    }
}

/// The application side of a server: one call per request stream, on its own task.
public protocol HTTP2Responder: Sendable {
    func respond(to request: HTTP2Request, with writer: HTTP2ResponseWriter) async
}

/// Set once when a response is complete; read from any task.
final class FinishedFlag: Sendable {
    private let state = Mutex(false)

    var value: Bool { state.withLock { $0 } }

    func set() { state.withLock { $0 = true } }
}
