internal import CNghttp2
public import NIOCore

extension NGHTTP2Session {
    /// Sends response headers (server role); the body follows through `writeBody` and `finishBody`,
    /// unless `endStream` ends the stream with the headers.
    public func submitResponse(streamID: Int32, headers: [HTTP2HeaderField], endStream: Bool = false) throws(HTTP2Error) {
        let status: Int32 = withNameValues(headers) { nv, count in
            if endStream { return nghttp2_submit_response(session, streamID, nv, count, nil) }
            outbound[streamID] = OutboundBody()
            var provider = nghttp2_data_provider(source: nghttp2_data_source(ptr: nil), read_callback: NGHTTP2Callbacks.readBody)
            return nghttp2_submit_response(session, streamID, nv, count, &provider)
        }
        guard status == 0 else {
            outbound[streamID] = nil
            throw NGHTTP2Session.error(status)
        }
    }

    /// Sends a whole prepared response: head, body, trailers. The caller keeps `response` alive
    /// until the stream closes (its header bytes are not copied).
    public func submitResponse(streamID: Int32, prepared response: HTTP2PreparedResponse) throws(HTTP2Error) {
        let head = response.head.nameValues
        let status: Int32
        if response.body.readableBytes == 0 && response.trailers == nil {
            status = nghttp2_submit_response(session, streamID, head, head.count, nil)
        } else {
            outbound[streamID] = OutboundBody(finished: response.body, trailers: response.trailers.map { .prepared($0) } ?? .none)
            var provider = nghttp2_data_provider(source: nghttp2_data_source(ptr: nil), read_callback: NGHTTP2Callbacks.readBody)
            status = nghttp2_submit_response(session, streamID, head, head.count, &provider)
        }
        guard status == 0 else {
            outbound[streamID] = nil
            throw NGHTTP2Session.error(status)
        }
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
    public func writeBody(streamID: Int32, _ bytes: ByteBuffer) {
        guard outbound[streamID] != nil, bytes.readableBytes > 0 else { return }
        outbound[streamID]!.append(bytes)
        resumeIfDeferred(streamID)
    }

    public func writeBody(streamID: Int32, _ bytes: [UInt8]) {
        writeBody(streamID: streamID, ByteBuffer(bytes: bytes))
    }

    /// Ends a stream's body, with trailers if any.
    public func finishBody(streamID: Int32, trailers: [HTTP2HeaderField] = []) {
        guard outbound[streamID] != nil else { return }
        outbound[streamID]!.isFinished = true
        outbound[streamID]!.trailers = trailers.isEmpty ? .none : .fields(trailers)
        resumeIfDeferred(streamID)
    }

    /// Body bytes of a stream not yet handed to nghttp2.
    public func bufferedBodyBytes(streamID: Int32) -> Int { outbound[streamID]?.bufferedCount ?? 0 }

    /// Whether nghttp2 still holds state for the stream (open, or closed and kept).
    func holdsStream(_ streamID: Int32) -> Bool { nghttp2_session_find_stream(session, streamID) != nil }

    private func resumeIfDeferred(_ streamID: Int32) {
        guard outbound[streamID]?.isDeferred == true else { return }
        outbound[streamID]!.isDeferred = false
        nghttp2_session_resume_data(session, streamID)
    }

    /// Submits a stream's trailers from inside the read callback (which nghttp2 allows); a failure
    /// resets the stream, so the peer never sees a body that silently lacks its end.
    func submitTrailers(streamID: Int32, _ trailers: OutboundBody.Trailers) {
        let status: Int32 = switch trailers {
        case .none: 0
        case .prepared(let prepared): nghttp2_submit_trailer(session, streamID, prepared.nameValues, prepared.nameValues.count)
        case .fields(let fields): withNameValues(fields) { nv, count in nghttp2_submit_trailer(session, streamID, nv, count) }
        }
        if status != 0 { resetStream(streamID: streamID, errorCode: HTTP2ErrorCode.internalError) }
    }

    /// Calls `body` with an `nghttp2_nv` array pointing at copies of the fields that live for the
    /// call (nghttp2 copies them again inside `submit_*`).
    func withNameValues<R>(_ fields: [HTTP2HeaderField], _ body: (UnsafePointer<nghttp2_nv>, Int) -> R) -> R {
        precondition(!fields.isEmpty, "a header block needs at least one field")
        let size = fields.reduce(0) { $0 + $1.name.utf8.count + $1.value.utf8.count }
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: max(size, 1)) { bytes in
            withUnsafeTemporaryAllocation(of: nghttp2_nv.self, capacity: fields.count) { nameValues in
                var offset = 0
                for (index, field) in fields.enumerated() {
                    let name = bytes.baseAddress! + offset
                    for byte in field.name.utf8 { bytes[offset] = byte; offset += 1 }
                    let value = bytes.baseAddress! + offset
                    for byte in field.value.utf8 { bytes[offset] = byte; offset += 1 }
                    nameValues.initializeElement(at: index, to: nghttp2_nv(
                        name: name, value: value, namelen: field.name.utf8.count, valuelen: field.value.utf8.count,
                        flags: UInt8(NGHTTP2_NV_FLAG_NONE.rawValue)))
                }
                defer { nameValues.deinitialize() }
                return body(UnsafePointer(nameValues.baseAddress!), fields.count)
            }
        }
    }
}
