public import NIOCore

/// Connection-level behaviour of the server side, beyond HTTP/2's own settings.
public struct HTTP2ServerConfiguration: Sendable {
    public var settings = HTTP2Settings()
    /// Receive window of the whole connection: bounds the request bytes buffered for all streams
    /// that the application has not read yet.
    public var connectionWindowSize: Int32 = 1 << 20
    /// A connection with no open stream for this long is sent GOAWAY and closed.
    public var idleTimeout: TimeAmount = .minutes(5)
    /// While streams are open, a PING this often; a peer that has not answered two is dropped.
    public var keepaliveInterval: TimeAmount = .seconds(30)
    /// Request bodies up to this size are collected by the connection before the application sees
    /// the request (and answered on the event loop when `immediateResponse` can); larger ones
    /// stream to the application as they arrive.
    public var bufferedBodyLimit = 16 << 10

    public init() {}

    var machine: ConnectionStateMachine.Configuration {
        ConnectionStateMachine.Configuration(idleTimeout: idleTimeout, keepaliveInterval: keepaliveInterval)
    }
}

/// One accepted HTTP/2 connection: the streams that need the application, as an async sequence,
/// and `serve`, which answers each in a child task of one discarding task group.
///
/// Requests the responder can answer at once (`immediateResponse`) never appear here: the
/// connection answers them on its event loop.
public struct HTTP2ServerConnection: Sendable {
    public let channel: any Channel
    private let streams: AsyncStream<HTTP2ServerStream>
    private let handler: NIOLoopBound<HTTP2ServerConnectionHandler>
    private let responder: any HTTP2Responder

    /// Adds the HTTP/2 server to `channel`'s pipeline (after any TLS handler). Call on the
    /// channel's event loop, e.g. from a channel initializer.
    /// - Parameter refusal: turn the connection away at its start instead of serving it (its
    ///   stream sequence then ends when it closes, with no stream).
    /// - Parameter onStreamCountChange: told the change (+1, -1) whenever a stream opens or closes, for metrics.
    public static func configure(_ channel: any Channel, configuration: HTTP2ServerConfiguration, responder: some HTTP2Responder,
                                 refusal: HTTP2Refusal? = nil,
                                 onStreamCountChange: @escaping @Sendable (Int) -> Void = { _ in }) throws -> HTTP2ServerConnection {
        let (streams, continuation) = AsyncStream<HTTP2ServerStream>.makeStream()
        let handler = try HTTP2ServerConnectionHandler(configuration: configuration, responder: responder, streams: continuation,
                                                       onStreamCountChange: onStreamCountChange)
        handler.core.refusal = refusal
        try channel.pipeline.syncOperations.addHandler(handler)
        return HTTP2ServerConnection(channel: channel, streams: streams, handler: NIOLoopBound(handler, eventLoop: channel.eventLoop),
                                     responder: responder)
    }

    /// Serves the connection's streams until it has closed and every call on it has returned.
    public func serve() async {
        let responder = self.responder
        await withDiscardingTaskGroup { group in
            for await stream in streams {
                group.addTask {
                    await responder.respond(to: stream.request, with: stream.writer)
                    // A responder that returned without ending its stream still ends it.
                    await stream.writer.finishIfOpen()
                }
            }
        }
    }

    /// Graceful shutdown of this connection: GOAWAY, the final GOAWAY once the client has seen it,
    /// open calls finish, and those still open at `grace` are reset.
    public func drain(grace: TimeAmount) {
        let handler = handler
        channel.eventLoop.execute { handler.value.drain(grace: grace) }
    }
}
