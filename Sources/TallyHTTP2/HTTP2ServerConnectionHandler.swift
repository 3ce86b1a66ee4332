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

    public init() {}
}

/// Drives one server-side nghttp2 session from a NIO channel: bytes in through `mem_recv`, bytes
/// out through `mem_send`, requests handed to the responder on tasks of their own.
///
/// It does not know messages, routes or envelopes: only header blocks, body bytes and trailers.
/// All its state lives on the channel's event loop; writers reach it through `NIOLoopBound`.
public final class HTTP2ServerConnectionHandler: ChannelInboundHandler, RemovableChannelHandler {
    public typealias InboundIn = ByteBuffer
    public typealias OutboundOut = ByteBuffer

    struct Stream {
        let body: HTTP2InboundBody
        /// Request bytes received and not yet read by the application (the window they hold shut).
        var unconsumed = 0
        /// Once the response is complete, further request bytes are read and dropped at once.
        var discardingBody = false
        var requestEnded = false
        var headersSent = false
        var writersWaiting: [EventLoopPromise<Void>] = []
        var closePromise: EventLoopPromise<Void>
        var task: Task<Void, Never>?
    }

    private let configuration: HTTP2ServerConfiguration
    private let responder: any HTTP2Responder
    private let session: NGHTTP2Session
    private var streams: [Int32: Stream] = [:]
    private var context: ChannelHandlerContext?
    private var idleTask: Scheduled<Void>?
    private var keepaliveTask: RepeatedTask?
    private var keepaliveState = Keepalive()
    private var draining = false
    /// Closing: writes complete, then output shut, input read and dropped until the peer closes.
    private var lingering = false
    private let output = SessionOutput()
    /// Close once everything written so far has reached the socket (draining, idle).
    private var closeWhenWritten = false
    /// A flush is queued for the end of this event-loop turn: responses finished in the same turn
    /// leave in one write.
    private var flushScheduled = false
    private let onStreamCountChange: @Sendable (Int) -> Void
    private var executor: EventLoopTaskExecutor?

    /// - Parameter onStreamCountChange: told the change (+1, -1) whenever a stream opens or closes, for metrics.
    public init(configuration: HTTP2ServerConfiguration, responder: any HTTP2Responder,
                onStreamCountChange: @escaping @Sendable (Int) -> Void = { _ in }) throws {
        self.configuration = configuration
        self.responder = responder
        self.session = try NGHTTP2Session(role: .server, settings: configuration.settings)
        self.session.setLocalConnectionWindow(configuration.connectionWindowSize)
        self.onStreamCountChange = onStreamCountChange
    }

    // MARK: - Channel events

    public func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        if context.channel.isActive { start(context) }
    }

    public func channelActive(context: ChannelHandlerContext) {
        start(context)
        context.fireChannelActive()
    }

    private func start(_ context: ChannelHandlerContext) {
        guard keepaliveTask == nil else { return }
        let bound = NIOLoopBound(self, eventLoop: context.eventLoop)
        keepaliveTask = context.eventLoop.scheduleRepeatedTask(initialDelay: configuration.keepaliveInterval, delay: configuration.keepaliveInterval) { _ in
            bound.value.keepalive()
        }
        armIdleTimer()
        flush()
    }

    public func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !lingering else { return }
        let buffer = unwrapInboundIn(data)
        do {
            try buffer.withUnsafeReadableBytes { try session.receive($0) }
        } catch {
            // nghttp2 has queued a GOAWAY for the violation: send it, then close.
            handleEvents()
            flush()
            closeGracefully(context)
            return
        }
        handleEvents()
        flush()
    }

    /// Closes without losing what was sent. Closing a socket that still has unread input (a
    /// client's WINDOW_UPDATEs, its next requests) makes the kernel answer with a TCP RST, and the
    /// client then drops data it has received but not yet read: the end of a response, the GOAWAY.
    /// So the write side is shut once every pending write has reached the socket (NIO's output
    /// close waits for them), input is read and dropped meanwhile, and the socket closes
    /// `lingerTimeout` after that, or when the peer closes, and in any case after `closeCap`, so a
    /// client that stops reading cannot hold the connection open.
    private func closeGracefully(_ context: ChannelHandlerContext) {
        guard !lingering else { return }
        lingering = true
        let channel = context.channel
        let outputClosed = context.eventLoop.makePromise(of: Void.self)
        context.flush()
        channel.close(mode: .output, promise: outputClosed)
        outputClosed.futureResult.whenComplete { _ in
            channel.eventLoop.scheduleTask(in: Self.lingerTimeout) { channel.close(promise: nil) }
        }
        channel.eventLoop.scheduleTask(in: Self.closeCap) { channel.close(promise: nil) }
    }

    static let lingerTimeout: TimeAmount = .seconds(2)
    static let closeCap: TimeAmount = .seconds(30)

    public func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        // The peer closed its side: once our own output is done, nothing is left to do (the timers
        // close the socket); before that, it is a normal end of the connection.
        if case .inputClosed = event as? ChannelEvent, !lingering {
            closeGracefully(context)
        }
        context.fireUserInboundEventTriggered(event)
    }

    public func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable { flush() }
        context.fireChannelWritabilityChanged()
    }

    public func channelInactive(context: ChannelHandlerContext) {
        for streamID in Array(streams.keys) { closeStream(streamID, errorCode: HTTP2ErrorCode.cancel) }
        idleTask?.cancel()
        keepaliveTask?.cancel()
        self.context = nil
        context.fireChannelInactive()
    }

    public func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    // MARK: - Session events

    private func handleEvents() {
        for event in session.takeEvents() {
            switch event {
            case .headers(let streamID, let fields, let endStream):
                if streams[streamID] == nil {
                    openStream(streamID, fields: fields, endStream: endStream)
                } else if endStream {
                    // Request trailers end the body.
                    endRequest(streamID)
                }
            case .headersTooLarge(let streamID):
                try? session.submitResponse(streamID: streamID, headers: [HTTP2HeaderField(":status", "431")], endStream: true)
            case .data(let streamID, let bytes):
                receiveBody(streamID, bytes)
            case .endStream(let streamID):
                endRequest(streamID)
            case .streamClosed(let streamID, let errorCode):
                closeStream(streamID, errorCode: errorCode)
            case .outboundDrained(let streamID):
                resumeWriters(streamID)
            case .pingAcknowledged:
                keepaliveState.acknowledged()
            case .goaway:
                break
            }
        }
    }

    private func openStream(_ streamID: Int32, fields: [HTTP2HeaderField], endStream: Bool) {
        guard let context else { return }
        let loop = context.eventLoop
        let bound = NIOLoopBound(self, eventLoop: loop)
        let body = HTTP2InboundBody { count in
            loop.execute { bound.value.applicationConsumed(streamID, count) }
        }
        if endStream { body.finish() }
        let request = HTTP2Request(streamID: streamID, headers: fields, body: body,
                                   remoteAddress: context.channel.remoteAddress)
        let writer = HTTP2ResponseWriter(streamID: streamID, eventLoop: loop, connection: bound)
        let responder = self.responder
        streams[streamID] = Stream(body: body, requestEnded: endStream, closePromise: loop.makePromise())
        onStreamCountChange(1)
        idleTask?.cancel()
        idleTask = nil
        if executor == nil { executor = EventLoopTaskExecutor(loop) }
        streams[streamID]!.task = Task(executorPreference: executor) {
            await responder.respond(to: request, with: writer)
            // A responder that returned without ending its stream still ends it.
            if !writer.isFinished {
                try? await loop.submit { try bound.value.finishIfOpen(streamID: streamID) }.get()
            }
        }
    }

    private func receiveBody(_ streamID: Int32, _ bytes: [UInt8]) {
        guard var stream = streams[streamID] else {
            session.consume(streamID: streamID, count: bytes.count)
            return
        }
        if stream.discardingBody {
            session.consume(streamID: streamID, count: bytes.count)
            return
        }
        stream.unconsumed += bytes.count
        streams[streamID] = stream
        stream.body.append(bytes)
    }

    private func endRequest(_ streamID: Int32) {
        streams[streamID]?.requestEnded = true
        streams[streamID]?.body.finish()
    }

    fileprivate func applicationConsumed(_ streamID: Int32, _ count: Int) {
        guard streams[streamID] != nil else { return }
        streams[streamID]!.unconsumed -= count
        session.consume(streamID: streamID, count: count)
        flush()
    }

    private func closeStream(_ streamID: Int32, errorCode: UInt32) {
        guard let stream = streams.removeValue(forKey: streamID) else { return }
        // Bytes the application never read still hold the connection window shut: give them back.
        session.consumeConnection(count: stream.unconsumed)
        stream.body.fail(.closed(errorCode: errorCode))
        for writer in stream.writersWaiting { writer.fail(HTTP2StreamError.closed(errorCode: errorCode)) }
        stream.closePromise.succeed()
        if errorCode != HTTP2ErrorCode.noError { stream.task?.cancel() }
        onStreamCountChange(-1)
        if streams.isEmpty {
            if draining {
                closeWhenWritten = true
                flush()
            } else {
                armIdleTimer()
            }
        }
    }

    // MARK: - Responses (called through HTTP2ResponseWriter, on the event loop)

    func sendHead(streamID: Int32, status: Int, headers: [HTTP2HeaderField], endStream: Bool) throws {
        guard streams[streamID] != nil else { throw HTTP2StreamError.closed(errorCode: HTTP2ErrorCode.cancel) }
        try session.submitResponse(streamID: streamID, headers: [HTTP2HeaderField(":status", String(status))] + headers, endStream: endStream)
        streams[streamID]!.headersSent = true
        if endStream { responseComplete(streamID) }
        scheduleFlush()
    }

    func sendBody(streamID: Int32, _ bytes: [UInt8], on loop: any EventLoop) -> EventLoopFuture<Void> {
        guard streams[streamID] != nil else {
            return loop.makeFailedFuture(HTTP2StreamError.closed(errorCode: HTTP2ErrorCode.cancel))
        }
        session.writeBody(streamID: streamID, bytes)
        scheduleFlush()
        guard session.bufferedBodyBytes(streamID: streamID) >= configuration.settings.maxBufferedBodyPerStream, streams[streamID] != nil else {
            return loop.makeSucceededVoidFuture()
        }
        let promise = loop.makePromise(of: Void.self)
        streams[streamID]!.writersWaiting.append(promise)
        return promise.futureResult
    }

    /// A whole response at once (head, body, trailers): one hop for a unary call.
    func sendResponse(streamID: Int32, status: Int, headers: [HTTP2HeaderField], body: [UInt8], trailers: [HTTP2HeaderField]) throws {
        guard streams[streamID] != nil else { throw HTTP2StreamError.closed(errorCode: HTTP2ErrorCode.cancel) }
        try session.submitResponse(streamID: streamID, headers: [HTTP2HeaderField(":status", String(status))] + headers)
        streams[streamID]!.headersSent = true
        session.writeBody(streamID: streamID, body)
        session.finishBody(streamID: streamID, trailers: trailers)
        responseComplete(streamID)
        scheduleFlush()
    }

    func finishBody(streamID: Int32, trailers: [HTTP2HeaderField]) throws {
        guard streams[streamID] != nil else { throw HTTP2StreamError.closed(errorCode: HTTP2ErrorCode.cancel) }
        session.finishBody(streamID: streamID, trailers: trailers)
        responseComplete(streamID)
        scheduleFlush()
    }

    func finishIfOpen(streamID: Int32) throws {
        guard let stream = streams[streamID] else { return }
        if !stream.headersSent {
            try sendHead(streamID: streamID, status: 500, headers: [], endStream: true)
        } else {
            session.finishBody(streamID: streamID)
            responseComplete(streamID)
            flush()
        }
    }

    func closeFuture(streamID: Int32, on loop: any EventLoop) -> EventLoopFuture<Void> {
        guard let stream = streams[streamID] else { return loop.makeSucceededVoidFuture() }
        return stream.closePromise.futureResult
    }

    /// The response is complete: request bytes still to come are read and dropped, so a peer that
    /// keeps sending cannot hold the connection window shut.
    private func responseComplete(_ streamID: Int32) {
        guard var stream = streams[streamID], !stream.requestEnded else { return }
        stream.discardingBody = true
        session.consume(streamID: streamID, count: stream.unconsumed)
        stream.unconsumed = 0
        streams[streamID] = stream
    }

    private func resumeWriters(_ streamID: Int32) {
        guard let waiting = streams[streamID]?.writersWaiting, !waiting.isEmpty else { return }
        streams[streamID]!.writersWaiting = []
        for writer in waiting { writer.succeed() }
    }

    // MARK: - Output

    /// Flushes at the end of this event-loop turn (the tasks of responses run as jobs on the loop;
    /// a job queued now runs after those already queued).
    private func scheduleFlush() {
        guard !flushScheduled, let context else { return }
        flushScheduled = true
        let bound = NIOLoopBound(self, eventLoop: context.eventLoop)
        context.eventLoop.execute {
            bound.value.flushScheduled = false
            bound.value.flush()
        }
    }

    /// Writes what nghttp2 has to send while the channel accepts it (`SessionOutput`); closes when
    /// the session is done.
    private func flush() {
        guard let context else { return }
        let wrote: Bool?
        do {
            wrote = try output.pump(session, into: context) { handleEvents() }
        } catch {
            closeGracefully(context)
            return
        }
        guard let wrote else { return }
        if wrote { context.flush() }
        if !session.isActive || closeWhenWritten { closeGracefully(context) }
    }

    // MARK: - Timers and shutdown

    private func armIdleTimer() {
        guard let context, streams.isEmpty else { return }
        idleTask?.cancel()
        let bound = NIOLoopBound(self, eventLoop: context.eventLoop)
        idleTask = context.eventLoop.scheduleTask(in: configuration.idleTimeout) {
            bound.value.idleTimeoutFired()
        }
    }

    private func idleTimeoutFired() {
        guard streams.isEmpty else { return }
        session.submitGoaway(errorCode: HTTP2ErrorCode.noError)
        closeWhenWritten = true
        flush()
    }

    private func keepalive() {
        switch keepaliveState.tick(streamsOpen: !streams.isEmpty) {
        case .nothing: break
        case .giveUp: context?.close(promise: nil)
        case .ping:
            session.submitPing()
            flush()
        }
    }

    /// Graceful shutdown: announce it (GOAWAY with the maximum stream id, so requests already in
    /// flight are still accepted), after `announcement` send the final GOAWAY naming the last stream
    /// processed (later ones are refused and may be retried elsewhere), let open streams finish, and
    /// close when the last one ends or at `deadline`, whichever comes first.
    public func drain(announcement: TimeAmount = .milliseconds(100), deadline: TimeAmount) {
        guard let context, !draining else { return }
        draining = true
        session.submitShutdownNotice()
        flush()
        let bound = NIOLoopBound(self, eventLoop: context.eventLoop)
        context.eventLoop.scheduleTask(in: announcement) {
            let handler = bound.value
            handler.session.submitGoaway(errorCode: HTTP2ErrorCode.noError)
            if handler.streams.isEmpty { handler.closeWhenWritten = true }
            handler.flush()
        }
        context.eventLoop.scheduleTask(in: deadline) {
            let handler = bound.value
            for streamID in Array(handler.streams.keys) { handler.session.resetStream(streamID: streamID, errorCode: HTTP2ErrorCode.cancel) }
            handler.closeWhenWritten = true
            handler.flush()
        }
    }

}
