public import NIOCore

/// One client HTTP/2 connection over a NIO channel (plain or TLS; the caller made it), usable from
/// any task. Requests are multiplexed on it until the server sends GOAWAY or it closes.
public final class HTTP2ClientConnection: Sendable {
    public let channel: any Channel
    private let handler: NIOLoopBound<HTTP2ClientConnectionHandler>

    private init(channel: any Channel, handler: NIOLoopBound<HTTP2ClientConnectionHandler>) {
        self.channel = channel
        self.handler = handler
    }

    /// Adds the HTTP/2 client to `channel`'s pipeline (after any TLS handler). Call on the
    /// channel's event loop, e.g. from a channel initializer.
    /// `keepaliveInterval`: while requests are open, a PING this often; when two in a row go
    /// unanswered the connection is closed and its requests fail, so a peer that vanished without
    /// a word (a dead host, a half-open connection through a NAT or proxy) does not hold a long call
    /// such as a watch forever. nil: no keepalive.
    public static func configure(_ channel: any Channel, settings: HTTP2Settings = .default,
                                 keepaliveInterval: TimeAmount? = nil) throws -> HTTP2ClientConnection {
        let handler = try HTTP2ClientConnectionHandler(settings: settings, keepaliveInterval: keepaliveInterval)
        try channel.pipeline.syncOperations.addHandler(handler)
        return HTTP2ClientConnection(channel: channel, handler: NIOLoopBound(handler, eventLoop: channel.eventLoop))
    }

    /// Sends a request (body, if any, with END_STREAM) and returns when the response head arrives.
    /// With a `deadline`, a response not ended by then fails with `deadlineExceeded` (the head, or
    /// the body where it is read) and the stream is reset: a server or proxy that never answers
    /// cannot hold the caller.
    public func request(headers: [HTTP2HeaderField], body: [UInt8]?, deadline: NIODeadline? = nil) async throws -> HTTP2ClientResponse {
        let (handler, loop) = (handler, channel.eventLoop)
        return try await loop.flatSubmit { handler.value.startRequest(headers: headers, body: body, deadline: deadline, on: loop) }.get()
    }

    /// Whether new requests may still be sent: open, and no GOAWAY received.
    public func isUsable() async -> Bool {
        let handler = handler
        return (try? await channel.eventLoop.submit { handler.value.isUsable }.get()) ?? false
    }

    public func close() async {
        try? await channel.close()
    }
}
