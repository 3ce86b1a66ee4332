import NIOCore

/// The client role of a connection, between NIO and `HTTP2ConnectionCore`: it forwards the
/// channel's events to the core and keeps the calls' streams. Requests are started and released
/// from any task through `HTTP2ClientConnection`; everything here runs on the event loop.
final class HTTP2ClientConnectionHandler: ChannelInboundHandler, HTTP2StreamRole {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    struct Stream {
        var head: EventLoopPromise<HTTP2ClientResponse>?
        let body: HTTP2InboundBody
        let trailers: EventLoopPromise<[HTTP2HeaderField]>
        var receivedTrailers: [HTTP2HeaderField] = []
        var flow = InboundFlow()
        /// Fires at the request's deadline, unless the stream has ended by then.
        var deadlineTimer: Scheduled<Void>?
    }

    let core: HTTP2ConnectionCore
    private var streams: [Int32: Stream] = [:]
    /// Set by a GOAWAY: the last stream the server will process; later ones fail as not processed.
    private var goawayLastStreamID: Int32?
    private let usable: UsableFlag

    init(settings: HTTP2Settings, keepaliveInterval: TimeAmount?, usable: UsableFlag) throws {
        core = try HTTP2ConnectionCore(role: .client, settings: settings, connectionWindow: 4 << 20,
                                       configuration: .init(idleTimeout: nil, keepaliveInterval: keepaliveInterval))
        self.usable = usable
        core.role = self
    }

    private var session: NGHTTP2Session { core.session }

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

    // MARK: - Calls

    func startRequest(headers: [HTTP2HeaderField], body: [UInt8]?, deadline: NIODeadline?,
                      on loop: any EventLoop) -> EventLoopFuture<StartedRequest> {
        guard core.acceptsNewStreams, let context = core.context else {
            let error: HTTP2ClientError = core.context == nil
                ? (core.closeReason.map { .connectionFailed($0) } ?? .connectionClosed) : .notProcessed
            return loop.makeFailedFuture(error)
        }
        let streamID: Int32
        do {
            streamID = try session.submitRequest(headers: headers, endStream: body == nil)
        } catch {
            return loop.makeFailedFuture(HTTP2ClientError.protocolError("\(error)"))
        }
        if let body {
            session.writeBody(streamID: streamID, ByteBuffer(bytes: body))
            session.finishBody(streamID: streamID)
        }
        let head = loop.makePromise(of: HTTP2ClientResponse.self)
        let bound = NIOLoopBound(self, eventLoop: context.eventLoop)
        let inbound = HTTP2InboundBody { count in
            loop.execute { bound.value.consumed(streamID, count) }
        }
        var stream = Stream(head: head, body: inbound, trailers: loop.makePromise())
        if let deadline {
            stream.deadlineTimer = loop.scheduleTask(deadline: deadline) { bound.value.expire(streamID) }
        }
        streams[streamID] = stream
        core.streamOpened()
        core.flush()
        return loop.makeSucceededFuture(StartedRequest(streamID: streamID, head: head.futureResult))
    }

    /// The caller has left the call: a stream still open is reset (RST_STREAM CANCEL), and what it
    /// received but nobody read is given back to the connection's window.
    func release(_ streamID: Int32) {
        guard streams[streamID] != nil else { return }
        session.resetStream(streamID: streamID, errorCode: HTTP2ErrorCode.cancel)
        session.consume(streamID: streamID, count: streams[streamID]!.flow.discard())
        fail(streamID, .reset(code: HTTP2ErrorCode.cancel))
        core.flush()
    }

    /// The deadline passed with the stream still open: whoever waits on it learns so at once, and
    /// the server is told to stop (RST_STREAM CANCEL) rather than finish work nobody will read.
    private func expire(_ streamID: Int32) {
        guard streams[streamID] != nil else { return }
        session.resetStream(streamID: streamID, errorCode: HTTP2ErrorCode.cancel)
        session.consume(streamID: streamID, count: streams[streamID]!.flow.discard())
        fail(streamID, .deadlineExceeded)
        core.flush()
    }

    private func consumed(_ streamID: Int32, _ count: Int) {
        guard streams[streamID] != nil else { return }
        session.consume(streamID: streamID, count: streams[streamID]!.flow.consumed(count))
        core.scheduleFlush()
    }

    func close() { core.close() }

    // MARK: - Streams (HTTP2StreamRole)

    func handle(_ event: HTTP2Event) {
        switch event {
        case .headers(let streamID, let fields, let endStream):
            guard let stream = streams[streamID] else { return }
            if let head = stream.head, let status = fields[":status"].flatMap(Int.init) {
                if status >= 100 && status < 200 { return }  // informational: the real head follows
                streams[streamID]!.head = nil
                head.succeed(HTTP2ClientResponse(streamID: streamID, status: status, headers: fields.fields.filter { !$0.name.hasPrefix(":") },
                                                 body: stream.body, trailersFuture: stream.trailers.futureResult))
            } else {
                streams[streamID]!.receivedTrailers = fields.fields
            }
            if endStream { stream.body.finish() }
        case .data(let streamID, let bytes):
            guard streams[streamID] != nil else {
                session.consume(streamID: streamID, count: bytes.count)
                return
            }
            session.consume(streamID: streamID, count: streams[streamID]!.flow.received(bytes.count))
            if !streams[streamID]!.flow.discarding { streams[streamID]!.body.append(bytes) }
        case .endStream(let streamID):
            streams[streamID]?.body.finish()
        case .streamClosed(let streamID, let errorCode):
            closeStream(streamID, errorCode: errorCode)
        case .goaway(let lastStreamID, _):
            goawayLastStreamID = lastStreamID
            usable.set(false)
            for streamID in Array(streams.keys) where streamID > lastStreamID { fail(streamID, .notProcessed) }
        case .headersTooLarge(let streamID):
            fail(streamID, .protocolError("response header block too large"))
        case .outboundDrained, .pingAcknowledged:
            break
        }
    }

    private func closeStream(_ streamID: Int32, errorCode: UInt32) {
        guard let stream = streams[streamID] else { return }
        if errorCode == HTTP2ErrorCode.noError {
            session.consumeConnection(count: streams[streamID]!.flow.discard())
            streams[streamID] = nil
            stream.deadlineTimer?.cancel()
            stream.body.finish()
            stream.trailers.succeed(stream.receivedTrailers)
            stream.head?.fail(HTTP2ClientError.protocolError("stream ended without a response"))
            core.streamClosed()
        } else {
            fail(streamID, errorCode == HTTP2ErrorCode.refusedStream ? .refused : .reset(code: errorCode))
        }
    }

    private func fail(_ streamID: Int32, _ error: HTTP2ClientError) {
        guard var stream = streams.removeValue(forKey: streamID) else { return }
        session.consumeConnection(count: stream.flow.discard())
        stream.deadlineTimer?.cancel()
        stream.head?.fail(error)
        stream.body.fail(error == .deadlineExceeded ? .deadlineExceeded : .closed(errorCode: HTTP2ErrorCode.cancel))
        stream.trailers.fail(error)
        core.streamClosed()
    }

    func resetOpenStreams(errorCode: UInt32) {
        for streamID in streams.keys { session.resetStream(streamID: streamID, errorCode: errorCode) }
    }

    func connectionClosed(reason: String?) {
        usable.set(false)
        let error: HTTP2ClientError = reason.map { .connectionFailed($0) } ?? .connectionClosed
        for streamID in Array(streams.keys) { fail(streamID, error) }
    }
}
