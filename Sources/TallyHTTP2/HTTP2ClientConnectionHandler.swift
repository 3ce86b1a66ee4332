import NIOCore

/// A response as the client sees it: the head at once, the body as it arrives, the trailers last.
public struct HTTP2ClientResponse: Sendable {
    public let status: Int
    public let headers: [HTTP2HeaderField]
    public let body: HTTP2InboundBody
    let trailersFuture: EventLoopFuture<[HTTP2HeaderField]>

    /// The trailers, once the body has ended (empty when the response had none).
    public func trailers() async throws -> [HTTP2HeaderField] { try await trailersFuture.get() }
}

/// Why a request did not get a (complete) response, and whether it may be sent again.
public enum HTTP2ClientError: Error, Sendable, Equatable {
    /// The server refused the stream (REFUSED_STREAM): it did no work on it.
    case refused
    /// A GOAWAY excluded the stream, or came before it was sent: the server did no work on it.
    case notProcessed
    /// The stream was reset with this code after the server may have started on it.
    case reset(code: UInt32)
    /// The connection closed before the response ended.
    case connectionClosed
    /// The connection failed underneath HTTP/2 (a TLS handshake, a socket error): the reason.
    case connectionFailed(String)
    /// The peer broke the HTTP/2 protocol.
    case protocolError(String)
    /// The response did not end by the request's deadline; the stream was reset (CANCEL).
    case deadlineExceeded

    /// Safe to send again on a new connection, whatever the request.
    public var isRetryable: Bool {
        switch self {
        case .refused, .notProcessed: true
        default: false
        }
    }
}

/// Drives one client-side nghttp2 session from a NIO channel. Requests are started from any task
/// through `HTTP2ClientConnection`; everything else happens on the channel's event loop.
final class HTTP2ClientConnectionHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    struct Stream {
        var head: EventLoopPromise<HTTP2ClientResponse>?
        let body: HTTP2InboundBody
        let trailers: EventLoopPromise<[HTTP2HeaderField]>
        var receivedTrailers: [HTTP2HeaderField] = []
        /// Fires at the request's deadline, unless the stream has ended by then.
        var deadlineTimer: Scheduled<Void>?
    }

    private let session: NGHTTP2Session
    private var streams: [Int32: Stream] = [:]
    private var context: ChannelHandlerContext?
    private let output = SessionOutput()
    /// Set by a GOAWAY: the last stream the server will process; later ones fail as not processed.
    private(set) var goawayLastStreamID: Int32?
    private(set) var isClosed = false
    /// The error that brought the connection down, reported to the requests it fails.
    private var failure: String?

    private let keepaliveInterval: TimeAmount?
    private var keepaliveTask: RepeatedTask?
    private var keepaliveState = Keepalive()

    init(settings: HTTP2Settings, keepaliveInterval: TimeAmount?) throws {
        session = try NGHTTP2Session(role: .client, settings: settings)
        session.setLocalConnectionWindow(4 << 20)
        self.keepaliveInterval = keepaliveInterval
    }

    var isUsable: Bool { !isClosed && goawayLastStreamID == nil }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        if context.channel.isActive {
            startKeepalive(context)
            flush()
        }
    }

    func channelActive(context: ChannelHandlerContext) {
        startKeepalive(context)
        flush()
        context.fireChannelActive()
    }

    private func startKeepalive(_ context: ChannelHandlerContext) {
        guard let keepaliveInterval, keepaliveTask == nil else { return }
        let bound = NIOLoopBound(self, eventLoop: context.eventLoop)
        keepaliveTask = context.eventLoop.scheduleRepeatedTask(initialDelay: keepaliveInterval, delay: keepaliveInterval) { _ in
            bound.value.keepalive()
        }
    }

    private func keepalive() {
        switch keepaliveState.tick(streamsOpen: !streams.isEmpty) {
        case .nothing: break
        case .giveUp:
            if failure == nil { failure = "no answer to \(Keepalive.unansweredLimit) keepalive PINGs" }
            context?.close(promise: nil)
        case .ping:
            session.submitPing()
            flush()
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        do {
            try buffer.withUnsafeReadableBytes { try session.receive($0) }
        } catch {
            handleEvents()
            flush()
            failAll(.protocolError("\(error)"))
            context.close(promise: nil)
            return
        }
        handleEvents()
        flush()
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable { flush() }
        context.fireChannelWritabilityChanged()
    }

    func channelInactive(context: ChannelHandlerContext) {
        isClosed = true
        keepaliveTask?.cancel()
        failAll(failure.map { .connectionFailed($0) } ?? .connectionClosed)
        self.context = nil
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if failure == nil { failure = "\(error)" }
        context.close(promise: nil)
    }

    // MARK: - Requests

    func startRequest(headers: [HTTP2HeaderField], body: [UInt8]?, deadline: NIODeadline?,
                      on loop: any EventLoop) -> EventLoopFuture<HTTP2ClientResponse> {
        guard isUsable, let context else {
            return loop.makeFailedFuture(isClosed ? (failure.map { HTTP2ClientError.connectionFailed($0) } ?? .connectionClosed) : HTTP2ClientError.notProcessed)
        }
        let streamID: Int32
        do {
            streamID = try session.submitRequest(headers: headers, endStream: body == nil)
        } catch {
            return loop.makeFailedFuture(HTTP2ClientError.protocolError("\(error)"))
        }
        if let body {
            session.writeBody(streamID: streamID, body)
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
        flush()
        return head.futureResult
    }

    /// Cancels a stream the application no longer wants (RST_STREAM CANCEL).
    func cancel(streamID: Int32) {
        guard streams[streamID] != nil else { return }
        session.resetStream(streamID: streamID, errorCode: HTTP2ErrorCode.cancel)
        flush()
    }

    /// The deadline passed with the stream still open: whoever waits on it learns so at once, and
    /// the server is told to stop (RST_STREAM CANCEL) rather than finish work nobody will read.
    private func expire(_ streamID: Int32) {
        guard streams[streamID] != nil else { return }
        session.resetStream(streamID: streamID, errorCode: HTTP2ErrorCode.cancel)
        fail(streamID, .deadlineExceeded)
        flush()
    }

    private func consumed(_ streamID: Int32, _ count: Int) {
        session.consume(streamID: streamID, count: count)
        flush()
    }

    // MARK: - Events

    private func handleEvents() {
        for event in session.takeEvents() {
            switch event {
            case .headers(let streamID, let fields, let endStream):
                guard var stream = streams[streamID] else { continue }
                if let head = stream.head, let status = fields[":status"].flatMap(Int.init) {
                    if status >= 100 && status < 200 { continue }  // informational: the real head follows
                    stream.head = nil
                    streams[streamID] = stream
                    head.succeed(HTTP2ClientResponse(status: status, headers: fields.filter { !$0.name.hasPrefix(":") },
                                                     body: stream.body, trailersFuture: stream.trailers.futureResult))
                } else {
                    streams[streamID]!.receivedTrailers = fields
                }
                if endStream { stream.body.finish() }
            case .data(let streamID, let bytes):
                streams[streamID]?.body.append(bytes)
            case .endStream(let streamID):
                streams[streamID]?.body.finish()
            case .streamClosed(let streamID, let errorCode):
                closeStream(streamID, errorCode: errorCode)
            case .goaway(let lastStreamID, _):
                goawayLastStreamID = lastStreamID
                for streamID in streams.keys where streamID > lastStreamID {
                    fail(streamID, .notProcessed)
                }
            case .headersTooLarge(let streamID):
                fail(streamID, .protocolError("response header block too large"))
            case .pingAcknowledged:
                keepaliveState.acknowledged()
            case .outboundDrained:
                break
            }
        }
    }

    private func closeStream(_ streamID: Int32, errorCode: UInt32) {
        guard let stream = streams.removeValue(forKey: streamID) else { return }
        stream.deadlineTimer?.cancel()
        if errorCode == HTTP2ErrorCode.noError {
            stream.body.finish()
            stream.trailers.succeed(stream.receivedTrailers)
            stream.head?.fail(HTTP2ClientError.protocolError("stream ended without a response"))
        } else {
            let error: HTTP2ClientError = errorCode == HTTP2ErrorCode.refusedStream ? .refused : .reset(code: errorCode)
            stream.head?.fail(error)
            stream.body.fail(.closed(errorCode: errorCode))
            stream.trailers.fail(error)
        }
    }

    private func fail(_ streamID: Int32, _ error: HTTP2ClientError) {
        guard let stream = streams.removeValue(forKey: streamID) else { return }
        stream.deadlineTimer?.cancel()
        stream.head?.fail(error)
        stream.body.fail(error == .deadlineExceeded ? .deadlineExceeded : .closed(errorCode: HTTP2ErrorCode.cancel))
        stream.trailers.fail(error)
    }

    private func failAll(_ error: HTTP2ClientError) {
        for streamID in Array(streams.keys) { fail(streamID, error) }
    }

    /// As on the server, through `SessionOutput`: frames leave in the order nghttp2 made them.
    private func flush() {
        guard let context else { return }
        do {
            if try output.pump(session, into: context, afterWrite: { handleEvents() }) == true { context.flush() }
        } catch {
            failAll(.protocolError("\(error)"))
            context.close(promise: nil)
        }
    }
}
