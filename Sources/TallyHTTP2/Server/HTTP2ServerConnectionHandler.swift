import NIOCore

/// The server role of a connection, between NIO and `HTTP2ConnectionCore`: it forwards the
/// channel's events to the core and keeps the request streams. A request that ends with a small
/// body is offered to the responder's `immediateResponse` first, on the event loop; anything else
/// goes to the connection's stream sequence, to be answered on a task.
///
/// It does not know messages, routes or envelopes: only header blocks, body bytes and trailers.
final class HTTP2ServerConnectionHandler: ChannelInboundHandler, HTTP2StreamRole {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    struct Stream {
        enum Request {
            /// The head has arrived, the body (small so far) is collected here.
            case receiving(HTTP2Fields, body: [UInt8])
            /// Handed to the application, which reads the body as it arrives.
            case streaming(HTTP2InboundBody)
            /// Handed over complete, or answered at once.
            case ended
        }
        enum Response { case pending, started, complete }

        var request: Request
        var response = Response.pending
        var flow = InboundFlow()
        /// Kept until the stream closes: nghttp2 sends its header bytes without copying them.
        var prepared: HTTP2PreparedResponse?
        var writersWaiting: [EventLoopPromise<Void>] = []
        var closePromise: EventLoopPromise<Void>?
    }

    let core: HTTP2ConnectionCore
    private let configuration: HTTP2ServerConfiguration
    private let responder: any HTTP2Responder
    private let newStreams: AsyncStream<HTTP2ServerStream>.Continuation
    private let onStreamCountChange: @Sendable (Int) -> Void
    var streams: [Int32: Stream] = [:]

    init(configuration: HTTP2ServerConfiguration, responder: any HTTP2Responder,
         streams: AsyncStream<HTTP2ServerStream>.Continuation, onStreamCountChange: @escaping @Sendable (Int) -> Void) throws {
        self.configuration = configuration
        self.responder = responder
        self.newStreams = streams
        self.onStreamCountChange = onStreamCountChange
        core = try HTTP2ConnectionCore(role: .server, settings: configuration.settings, connectionWindow: configuration.connectionWindowSize,
                                       configuration: configuration.machine)
        core.role = self
    }

    var session: NGHTTP2Session { core.session }

    // MARK: - Channel events, forwarded

    func handlerAdded(context: ChannelHandlerContext) { core.handlerAdded(context: context) }

    func channelActive(context: ChannelHandlerContext) {
        core.channelActive()
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) { core.channelRead(unwrapInboundIn(data)) }

    func channelReadComplete(context: ChannelHandlerContext) {
        core.channelReadComplete()
        context.fireChannelReadComplete()
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        core.writabilityChanged()
        context.fireChannelWritabilityChanged()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case .inputClosed = event as? ChannelEvent { core.inputClosed() }
        context.fireUserInboundEventTriggered(event)
    }

    func channelInactive(context: ChannelHandlerContext) {
        core.channelInactive()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) { core.errorCaught(error) }

    func drain(grace: TimeAmount) { core.drain(grace: grace) }

    // MARK: - Streams (HTTP2StreamRole)

    func handle(_ event: HTTP2Event) {
        switch event {
        case .headers(let streamID, let fields, let endStream):
            if streams[streamID] == nil {
                streams[streamID] = Stream(request: .receiving(fields, body: []))
                core.streamOpened()
                onStreamCountChange(1)
            }
            if endStream { requestEnded(streamID) }
        case .headersTooLarge(let streamID):
            try? session.submitResponse(streamID: streamID, headers: [HTTP2HeaderField(":status", "431")], endStream: true)
        case .data(let streamID, let bytes):
            received(streamID, bytes)
        case .endStream(let streamID):
            requestEnded(streamID)
        case .streamClosed(let streamID, let errorCode):
            closed(streamID, errorCode: errorCode)
        case .outboundDrained(let streamID):
            resumeWriters(streamID)
        case .goaway, .pingAcknowledged:
            break
        }
    }

    private func received(_ streamID: Int32, _ bytes: [UInt8]) {
        // Taken out while it changes, so the body buffer has one owner and grows in place.
        guard var stream = streams.removeValue(forKey: streamID) else {
            session.consume(streamID: streamID, count: bytes.count)
            return
        }
        session.consume(streamID: streamID, count: stream.flow.received(bytes.count))
        if !stream.flow.discarding {
            switch stream.request {
            case .receiving(let head, var body):
                stream.request = .ended
                if body.isEmpty { body = bytes } else { body += bytes }
                if body.count > configuration.bufferedBodyLimit {
                    stream.request = .streaming(dispatch(streamID, head: head, body: body, ended: false))
                } else {
                    stream.request = .receiving(head, body: body)
                }
            case .streaming(let inbound):
                inbound.append(bytes)
            case .ended:
                break
            }
        }
        streams[streamID] = stream
    }

    private func requestEnded(_ streamID: Int32) {
        guard let stream = streams[streamID] else { return }
        switch stream.request {
        case .receiving(let head, let body):
            streams[streamID]!.request = .ended
            if let prepared = responder.immediateResponse(to: head, body: body) {
                session.consume(streamID: streamID, count: streams[streamID]!.flow.discard())
                try? sendPrepared(streamID: streamID, prepared)
            } else {
                _ = dispatch(streamID, head: head, body: body, ended: true)
            }
        case .streaming(let inbound):
            streams[streamID]!.request = .ended
            inbound.finish()
        case .ended:
            break
        }
    }

    /// Hands the request to the application, with what has arrived of the body.
    private func dispatch(_ streamID: Int32, head: HTTP2Fields, body: [UInt8], ended: Bool) -> HTTP2InboundBody {
        let context = core.context!
        let bound = NIOLoopBound(self, eventLoop: context.eventLoop)
        let loop = context.eventLoop
        let inbound = HTTP2InboundBody { count in
            loop.execute { bound.value.applicationConsumed(streamID, count) }
        }
        if !body.isEmpty { inbound.append(body) }
        if ended { inbound.finish() }
        let request = HTTP2Request(streamID: streamID, headers: head, body: inbound, remoteAddress: context.channel.remoteAddress)
        newStreams.yield(HTTP2ServerStream(request: request, writer: HTTP2ResponseWriter(streamID: streamID, eventLoop: loop, connection: bound)))
        return inbound
    }

    private func applicationConsumed(_ streamID: Int32, _ count: Int) {
        guard streams[streamID] != nil else { return }
        session.consume(streamID: streamID, count: streams[streamID]!.flow.consumed(count))
        core.scheduleFlush()
    }

    private func closed(_ streamID: Int32, errorCode: UInt32) {
        guard var stream = streams.removeValue(forKey: streamID) else { return }
        // Bytes the application never read still hold the connection window shut: give them back.
        session.consumeConnection(count: stream.flow.discard())
        if case .streaming(let inbound) = stream.request { inbound.fail(.closed(errorCode: errorCode)) }
        for writer in stream.writersWaiting { writer.fail(HTTP2StreamError.closed(errorCode: errorCode)) }
        stream.closePromise?.succeed()
        onStreamCountChange(-1)
        core.streamClosed()
    }

    func resetOpenStreams(errorCode: UInt32) {
        for streamID in streams.keys { session.resetStream(streamID: streamID, errorCode: errorCode) }
    }

    func connectionClosed(reason: String?) {
        for streamID in Array(streams.keys) { closed(streamID, errorCode: HTTP2ErrorCode.cancel) }
        newStreams.finish()
    }
}
