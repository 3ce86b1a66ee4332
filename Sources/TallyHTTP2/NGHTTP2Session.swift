internal import CNghttp2

/// One nghttp2 session (server or client role), as a Swift object with no I/O of its own.
///
/// Bytes from the peer go in through `receive`; bytes for the peer come out of `takeOutput`; what
/// happened comes out of `takeEvents`. The owner (a NIO channel handler) moves the bytes; nghttp2
/// does the protocol. Everything here runs on one thread (the channel's event loop) and never calls
/// `receive` or `takeOutput` from inside an nghttp2 callback.
///
/// Flow control is manual (`no_auto_window_update`): the window reopens only when the owner calls
/// `consume`, i.e. when the application has taken the bytes, so a slow reader slows its peer
/// instead of growing a buffer.
public final class NGHTTP2Session {
    public enum Role: Sendable { case server, client }

    public let role: Role
    public let settings: HTTP2Settings
    let session: OpaquePointer
    var events: [HTTP2Event] = []
    /// Header fields of header blocks still being received, with their running size.
    var incomingHeaders: [Int32: (fields: [HTTP2HeaderField], size: Int)] = [:]
    var outbound: [Int32: OutboundBody] = [:]
    private var callbacks: OpaquePointer?
    private var option: OpaquePointer?

    public init(role: Role, settings: HTTP2Settings = .default) throws(HTTP2Error) {
        self.role = role
        self.settings = settings
        var callbacksPointer: OpaquePointer?
        nghttp2_session_callbacks_new(&callbacksPointer)
        NGHTTP2Callbacks.install(in: callbacksPointer)
        var optionPointer: OpaquePointer?
        nghttp2_option_new(&optionPointer)
        nghttp2_option_set_no_auto_window_update(optionPointer, 1)
        nghttp2_option_set_stream_reset_rate_limit(optionPointer, settings.streamResetBurst, settings.streamResetRatePerSecond)
        nghttp2_option_set_max_continuations(optionPointer, settings.maxContinuations)
        var sessionPointer: OpaquePointer?
        // `self` is not fully initialised yet; the session gets its user data right after.
        let status = role == .server
            ? nghttp2_session_server_new2(&sessionPointer, callbacksPointer, nil, optionPointer)
            : nghttp2_session_client_new2(&sessionPointer, callbacksPointer, nil, optionPointer)
        guard status == 0, let sessionPointer else {
            nghttp2_option_del(optionPointer)
            nghttp2_session_callbacks_del(callbacksPointer)
            throw NGHTTP2Session.error(Int32(status))
        }
        self.session = sessionPointer
        self.callbacks = callbacksPointer
        self.option = optionPointer
        nghttp2_session_set_user_data(session, Unmanaged.passUnretained(self).toOpaque())
        try submitSettings()
    }

    deinit {
        nghttp2_session_del(session)
        nghttp2_option_del(option)
        nghttp2_session_callbacks_del(callbacks)
    }

    static func error(_ code: Int32) -> HTTP2Error {
        HTTP2Error(code: code, message: String(cString: nghttp2_strerror(code)))
    }

    private func submitSettings() throws(HTTP2Error) {
        var entries = [
            nghttp2_settings_entry(settings_id: Int32(NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS.rawValue), value: settings.maxConcurrentStreams),
            nghttp2_settings_entry(settings_id: Int32(NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE.rawValue), value: settings.initialWindowSize),
            nghttp2_settings_entry(settings_id: Int32(NGHTTP2_SETTINGS_MAX_HEADER_LIST_SIZE.rawValue), value: settings.maxHeaderListSize),
        ]
        if role == .client {
            entries.append(nghttp2_settings_entry(settings_id: Int32(NGHTTP2_SETTINGS_ENABLE_PUSH.rawValue), value: 0))
        }
        let status = nghttp2_submit_settings(session, UInt8(NGHTTP2_FLAG_NONE.rawValue), entries, entries.count)
        guard status == 0 else { throw NGHTTP2Session.error(status) }
    }

    // MARK: - Bytes in, bytes out, events

    /// Feeds bytes from the peer. A protocol violation makes nghttp2 queue a GOAWAY; the error is
    /// returned so the owner can send it and close.
    public func receive(_ bytes: UnsafeRawBufferPointer) throws(HTTP2Error) {
        guard let base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self), bytes.count > 0 else { return }
        let consumed = nghttp2_session_mem_recv(session, base, bytes.count)
        if consumed < 0 { throw NGHTTP2Session.error(Int32(consumed)) }
    }

    /// What happened since the last call.
    public func takeEvents() -> [HTTP2Event] {
        defer { events.removeAll(keepingCapacity: true) }
        return events
    }

    /// Frames ready to send, up to about `limit` bytes (nghttp2 hands them out frame by frame);
    /// empty when there is nothing to send.
    public func takeOutput(limit: Int = 256 << 10) throws(HTTP2Error) -> [UInt8] {
        var output: [UInt8] = []
        while output.count < limit {
            var chunk: UnsafePointer<UInt8>?
            let count = nghttp2_session_mem_send(session, &chunk)
            if count < 0 { throw NGHTTP2Session.error(Int32(count)) }
            guard count > 0, let chunk else { break }
            // Valid only until the next call into the session: copied at once.
            output.append(contentsOf: UnsafeBufferPointer(start: chunk, count: count))
        }
        return output
    }

    /// Whether the session still wants to read or write; both false means the connection is done.
    public var isActive: Bool { nghttp2_session_want_read(session) != 0 || nghttp2_session_want_write(session) != 0 }

    // MARK: - Streams

    /// Sends response headers (server role); the body follows through `writeBody` and `finishBody`,
    /// unless `endStream` ends the stream with the headers.
    public func submitResponse(streamID: Int32, headers: [HTTP2HeaderField], endStream: Bool = false) throws(HTTP2Error) {
        let status: Int32 = withNameValues(headers) { nv, count in
            if endStream { return nghttp2_submit_response(session, streamID, nv, count, nil) }
            outbound[streamID] = OutboundBody()
            var provider = nghttp2_data_provider(source: nghttp2_data_source(ptr: nil), read_callback: NGHTTP2Callbacks.readBody)
            return nghttp2_submit_response(session, streamID, nv, count, &provider)
        }
        guard status == 0 else { throw NGHTTP2Session.error(status) }
    }

    /// Starts a request (client role) and returns its stream id; the body follows through
    /// `writeBody` and `finishBody` unless `endStream`.
    public func submitRequest(headers: [HTTP2HeaderField], endStream: Bool = false) throws(HTTP2Error) -> Int32 {
        let streamID: Int32 = withNameValues(headers) { nv, count in
            if endStream { return nghttp2_submit_request(session, nil, nv, count, nil, nil) }
            var provider = nghttp2_data_provider(source: nghttp2_data_source(ptr: nil), read_callback: NGHTTP2Callbacks.readBody)
            return nghttp2_submit_request(session, nil, nv, count, &provider, nil)
        }
        guard streamID > 0 else { throw NGHTTP2Session.error(streamID) }
        if !endStream { outbound[streamID] = OutboundBody() }
        return streamID
    }

    /// Queues body bytes for a stream; nghttp2 sends them as flow control allows.
    public func writeBody(streamID: Int32, _ bytes: [UInt8]) {
        guard outbound[streamID] != nil, !bytes.isEmpty else { return }
        outbound[streamID]!.append(bytes)
        resumeIfDeferred(streamID)
    }

    /// Ends a stream's body, with trailers if any.
    public func finishBody(streamID: Int32, trailers: [HTTP2HeaderField] = []) {
        guard outbound[streamID] != nil else { return }
        outbound[streamID]!.isFinished = true
        outbound[streamID]!.trailers = trailers
        resumeIfDeferred(streamID)
    }

    /// Body bytes of a stream not yet handed to nghttp2.
    public func bufferedBodyBytes(streamID: Int32) -> Int { outbound[streamID]?.bufferedCount ?? 0 }

    private func resumeIfDeferred(_ streamID: Int32) {
        guard outbound[streamID]?.isDeferred == true else { return }
        outbound[streamID]!.isDeferred = false
        nghttp2_session_resume_data(session, streamID)
    }

    public func resetStream(streamID: Int32, errorCode: UInt32) {
        nghttp2_submit_rst_stream(session, UInt8(NGHTTP2_FLAG_NONE.rawValue), streamID, errorCode)
    }

    /// The application took `count` bytes of a stream's body: reopen that much of the windows.
    public func consume(streamID: Int32, count: Int) {
        guard count > 0 else { return }
        if nghttp2_session_consume(session, streamID, count) != 0 {
            // The stream is gone; the connection window must still be given back.
            nghttp2_session_consume_connection(session, count)
        }
    }

    /// Gives back connection-window bytes of a stream that is gone (its unread body was dropped).
    public func consumeConnection(count: Int) {
        guard count > 0 else { return }
        nghttp2_session_consume_connection(session, count)
    }

    // MARK: - Connection

    /// Sets this side's receive window for the whole connection (sent as a WINDOW_UPDATE on stream 0).
    public func setLocalConnectionWindow(_ size: Int32) {
        nghttp2_session_set_local_window_size(session, UInt8(NGHTTP2_FLAG_NONE.rawValue), 0, size)
    }

    /// First step of a graceful shutdown: a GOAWAY announcing that no new streams will be
    /// accepted soon, with the maximum stream id, so streams already in flight are not lost.
    public func submitShutdownNotice() {
        nghttp2_submit_shutdown_notice(session)
    }

    /// GOAWAY naming the last stream this side processed; later streams are refused.
    public func submitGoaway(errorCode: UInt32 = HTTP2ErrorCode.noError) {
        nghttp2_submit_goaway(session, UInt8(NGHTTP2_FLAG_NONE.rawValue), nghttp2_session_get_last_proc_stream_id(session), errorCode, nil, 0)
    }

    public func submitPing() {
        nghttp2_submit_ping(session, UInt8(NGHTTP2_FLAG_NONE.rawValue), nil)
    }

    /// The peer's SETTINGS_MAX_CONCURRENT_STREAMS.
    public var remoteMaxConcurrentStreams: UInt32 {
        nghttp2_session_get_remote_settings(session, NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS)
    }

    /// Calls `body` with an `nghttp2_nv` array pointing at copies of the fields (nghttp2 copies them
    /// again inside `submit_*`, so they need to live only for the call).
    private func withNameValues<R>(_ fields: [HTTP2HeaderField], _ body: (UnsafePointer<nghttp2_nv>, Int) -> R) -> R {
        var storage: [[UInt8]] = []
        storage.reserveCapacity(fields.count * 2)
        for field in fields {
            storage.append(Array(field.name.utf8))
            storage.append(Array(field.value.utf8))
        }
        let pointers = storage.map { bytes -> UnsafeMutablePointer<UInt8> in
            let pointer = UnsafeMutablePointer<UInt8>.allocate(capacity: max(bytes.count, 1))
            pointer.initialize(from: bytes, count: bytes.count)
            return pointer
        }
        defer { pointers.forEach { $0.deallocate() } }
        let nameValues = fields.indices.map { i in
            nghttp2_nv(name: pointers[2 * i], value: pointers[2 * i + 1], namelen: storage[2 * i].count,
                       valuelen: storage[2 * i + 1].count, flags: UInt8(NGHTTP2_NV_FLAG_NONE.rawValue))
        }
        precondition(!nameValues.isEmpty, "a header block needs at least one field")
        return nameValues.withUnsafeBufferPointer { body($0.baseAddress!, $0.count) }
    }
}
