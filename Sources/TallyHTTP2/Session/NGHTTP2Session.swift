internal import CNghttp2
public import NIOCore

/// One nghttp2 session (server or client role), as a Swift object with no I/O of its own.
///
/// Bytes from the peer go in through `receive`; bytes for the peer come out of `takeOutput`; what
/// happened comes out of `events`. The owner moves the bytes; nghttp2 does the protocol. Everything
/// here runs on one thread and never calls `receive` or `takeOutput` from inside a callback.
///
/// Flow control is manual (`no_auto_window_update`): the window reopens only when the owner calls
/// `consume`, i.e. when the application has taken the bytes, so a slow reader slows its peer
/// instead of growing a buffer.
public final class NGHTTP2Session {
    public enum Role: Sendable { case server, client }

    public let role: Role
    public let settings: HTTP2Settings
    let session: OpaquePointer
    /// Events since the owner last took them (`swapEvents`).
    var events: [HTTP2Event] = []
    /// Header blocks still being received.
    var incomingHeaders: [Int32: HTTP2Fields] = [:]
    var outbound: [Int32: OutboundBody] = [:]
    /// Streams this side reset while the peer may still send on them (see `checkStreamID`).
    var recentlyReset = RecentStreams()
    private let callbacks: OpaquePointer?
    private let option: OpaquePointer?

    public init(role: Role, settings: HTTP2Settings = .default) throws(HTTP2Error) {
        self.role = role
        self.settings = settings
        var callbacksPointer: OpaquePointer?
        nghttp2_session_callbacks_new(&callbacksPointer)
        NGHTTP2Callbacks.install(in: callbacksPointer)
        var optionPointer: OpaquePointer?
        nghttp2_option_new(&optionPointer)
        nghttp2_option_set_no_auto_window_update(optionPointer, 1)
        // A server's nghttp2 otherwise keeps up to SETTINGS_MAX_CONCURRENT_STREAMS closed streams per
        // connection for RFC 7540's priority tree, which Tally does not use: about 300 bytes each,
        // 29 MiB for 1,000 connections that have each made 100 calls (the soak's long-lived callers).
        if role == .server { nghttp2_option_set_no_closed_streams(optionPointer, 1) }
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
    /// thrown so the owner can send it and close.
    public func receive(_ bytes: UnsafeRawBufferPointer) throws(HTTP2Error) {
        guard let base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self), bytes.count > 0 else { return }
        let consumed = nghttp2_session_mem_recv(session, base, bytes.count)
        if consumed < 0 { throw NGHTTP2Session.error(Int32(consumed)) }
    }

    /// Swaps the pending events with `buffer` (which the caller has emptied): the caller processes
    /// them while new ones collect in the other array, and neither is reallocated.
    public func swapEvents(with buffer: inout [HTTP2Event]) {
        swap(&events, &buffer)
    }

    /// What happened since the last call (allocates; for tests).
    public func takeEvents() -> [HTTP2Event] {
        var taken: [HTTP2Event] = []
        swapEvents(with: &taken)
        return taken
    }

    /// Appends frames ready to send to `buffer`, up to about `limit` bytes (nghttp2 hands them out
    /// frame by frame); returns false when there was nothing to send.
    @discardableResult
    public func takeOutput(into buffer: inout ByteBuffer, limit: Int = 256 << 10) throws(HTTP2Error) -> Bool {
        var wrote = false
        while buffer.readableBytes < limit {
            var chunk: UnsafePointer<UInt8>?
            let count = nghttp2_session_mem_send(session, &chunk)
            if count < 0 { throw NGHTTP2Session.error(Int32(count)) }
            guard count > 0, let chunk else { break }
            // Valid only until the next call into the session: copied at once.
            buffer.writeBytes(UnsafeRawBufferPointer(start: chunk, count: count))
            wrote = true
        }
        return wrote
    }

    /// Frames ready to send as an array (for tests).
    public func takeOutput() throws(HTTP2Error) -> [UInt8] {
        var buffer = ByteBufferAllocator().buffer(capacity: 0)
        try takeOutput(into: &buffer)
        return buffer.readBytes(length: buffer.readableBytes) ?? []
    }

    /// Whether the session still wants to read or write; both false means the connection is done.
    public var isActive: Bool { nghttp2_session_want_read(session) != 0 || nghttp2_session_want_write(session) != 0 }

    /// Whether nghttp2 has frames waiting to be sent.
    public var wantsWrite: Bool { nghttp2_session_want_write(session) != 0 }

    // MARK: - Connection

    /// Sets this side's receive window for the whole connection (sent as a WINDOW_UPDATE on stream 0).
    public func setLocalConnectionWindow(_ size: Int32) {
        nghttp2_session_set_local_window_size(session, UInt8(NGHTTP2_FLAG_NONE.rawValue), 0, size)
    }

    /// First step of a graceful shutdown: GOAWAY with the largest stream id, so streams already in
    /// flight are not lost; the final GOAWAY follows (`submitGoaway`).
    public func submitShutdownNotice() {
        nghttp2_submit_shutdown_notice(session)
    }

    /// GOAWAY naming the last stream this side processed; later streams are refused.
    public func submitGoaway(errorCode: UInt32 = HTTP2ErrorCode.noError) {
        nghttp2_submit_goaway(session, UInt8(NGHTTP2_FLAG_NONE.rawValue), nghttp2_session_get_last_proc_stream_id(session), errorCode, nil, 0)
    }

    /// GOAWAY naming stream 0 as the last processed, with `debugData` for the peer's logs: the
    /// connection is turned away before any stream on it was served (every one may be retried).
    public func submitRefusal(errorCode: UInt32, debugData: String) {
        var bytes = Array(debugData.utf8)
        nghttp2_submit_goaway(session, UInt8(NGHTTP2_FLAG_NONE.rawValue), 0, errorCode, &bytes, bytes.count)
    }

    /// Ends the session with GOAWAY `errorCode`; nghttp2 ignores all further input.
    public func terminate(errorCode: UInt32) {
        nghttp2_session_terminate_session(session, errorCode)
    }

    public func submitPing(_ data: UInt64) {
        withUnsafeBytes(of: data.bigEndian) { bytes in
            _ = nghttp2_submit_ping(session, UInt8(NGHTTP2_FLAG_NONE.rawValue), bytes.baseAddress!.assumingMemoryBound(to: UInt8.self))
        }
    }

    /// The peer's SETTINGS_MAX_CONCURRENT_STREAMS.
    public var remoteMaxConcurrentStreams: UInt32 {
        nghttp2_session_get_remote_settings(session, NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS)
    }

    /// How many bytes this side may still send on the connection (the peer's window for it).
    public var remoteConnectionWindow: Int { Int(nghttp2_session_get_remote_window_size(session)) }

    /// Bytes received on the connection that this side has not yet given back with WINDOW_UPDATE.
    public var unacknowledgedReceivedBytes: Int { Int(nghttp2_session_get_effective_recv_data_length(session)) }

    // MARK: - Flow control

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

    public func resetStream(streamID: Int32, errorCode: UInt32) {
        nghttp2_submit_rst_stream(session, UInt8(NGHTTP2_FLAG_NONE.rawValue), streamID, errorCode)
    }
}

/// The last stream ids this side reset, a fixed number of them: frames the peer sent before it saw
/// the reset may still arrive, and are not violations.
struct RecentStreams {
    private var ids = [Int32](repeating: 0, count: 256)
    private var next = 0

    mutating func insert(_ id: Int32) {
        ids[next] = id
        next = (next + 1) % ids.count
    }

    func contains(_ id: Int32) -> Bool { ids.contains(id) }
}
