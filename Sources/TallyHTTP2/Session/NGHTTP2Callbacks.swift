internal import CNghttp2

/// nghttp2's callbacks, as capture-free closures (so they convert to C function pointers) that
/// recover the session object from `user_data`. They only record events and move bytes: they never
/// call back into `mem_recv` or `mem_send`.
enum NGHTTP2Callbacks {
    static func session(_ userData: UnsafeMutableRawPointer?) -> NGHTTP2Session {
        Unmanaged<NGHTTP2Session>.fromOpaque(userData!).takeUnretainedValue()
    }

    static func install(in callbacks: OpaquePointer?) {
        nghttp2_session_callbacks_set_on_begin_frame_callback(callbacks) { session, header, userData in
            guard let header, UInt32(header.pointee.type) == NGHTTP2_HEADERS.rawValue else { return 0 }
            return NGHTTP2Callbacks.session(userData).checkStreamID(of: header.pointee, session)
        }

        nghttp2_session_callbacks_set_on_begin_headers_callback(callbacks) { _, frame, userData in
            guard let frame else { return 0 }
            NGHTTP2Callbacks.session(userData).incomingHeaders[frame.pointee.hd.stream_id] = HTTP2Fields()
            return 0
        }

        nghttp2_session_callbacks_set_on_header_callback(callbacks) { _, frame, name, nameLength, value, valueLength, _, userData in
            guard let frame, let name, let value else { return 0 }
            let owner = NGHTTP2Callbacks.session(userData)
            let streamID = frame.pointee.hd.stream_id
            guard owner.incomingHeaders[streamID] != nil else { return 0 }
            // Appended in place (no copy of the block per field); past the limit the fields are
            // dropped but still counted, and the block is refused when it ends.
            let limit = Int(owner.settings.maxHeaderListSize)
            if owner.incomingHeaders[streamID]!.listSize + nameLength + valueLength + 32 <= limit {
                owner.incomingHeaders[streamID]!.append(name: UnsafeBufferPointer(start: name, count: nameLength),
                                                        value: UnsafeBufferPointer(start: value, count: valueLength))
            } else {
                owner.incomingHeaders[streamID]!.dropFields(counting: nameLength + valueLength + 32)
            }
            return 0
        }

        nghttp2_session_callbacks_set_on_frame_recv_callback(callbacks) { _, frame, userData in
            guard let frame else { return 0 }
            let owner = NGHTTP2Callbacks.session(userData)
            let header = frame.pointee.hd
            let endStream = header.flags & UInt8(NGHTTP2_FLAG_END_STREAM.rawValue) != 0
            switch UInt32(header.type) {
            case NGHTTP2_HEADERS.rawValue:
                guard let block = owner.incomingHeaders.removeValue(forKey: header.stream_id) else { break }
                if block.listSize > Int(owner.settings.maxHeaderListSize) {
                    owner.events.append(.headersTooLarge(streamID: header.stream_id))
                } else {
                    owner.events.append(.headers(streamID: header.stream_id, fields: block, endStream: endStream))
                }
            case NGHTTP2_DATA.rawValue:
                if endStream { owner.events.append(.endStream(streamID: header.stream_id)) }
            case NGHTTP2_GOAWAY.rawValue:
                owner.events.append(.goaway(lastStreamID: frame.pointee.goaway.last_stream_id, errorCode: frame.pointee.goaway.error_code))
            case NGHTTP2_PING.rawValue:
                if header.flags & UInt8(NGHTTP2_FLAG_ACK.rawValue) != 0 {
                    let data = withUnsafeBytes(of: frame.pointee.ping.opaque_data) { UInt64(bigEndian: $0.loadUnaligned(as: UInt64.self)) }
                    owner.events.append(.pingAcknowledged(data))
                }
            default:
                break
            }
            return 0
        }

        nghttp2_session_callbacks_set_on_frame_send_callback(callbacks) { _, frame, userData in
            guard let frame, UInt32(frame.pointee.hd.type) == NGHTTP2_RST_STREAM.rawValue else { return 0 }
            NGHTTP2Callbacks.session(userData).recentlyReset.insert(frame.pointee.hd.stream_id)
            return 0
        }

        nghttp2_session_callbacks_set_on_data_chunk_recv_callback(callbacks) { _, _, streamID, data, length, userData in
            guard let data, length > 0 else { return 0 }
            NGHTTP2Callbacks.session(userData).events.append(.data(streamID: streamID, bytes: [UInt8](UnsafeBufferPointer(start: data, count: length))))
            return 0
        }

        nghttp2_session_callbacks_set_on_stream_close_callback(callbacks) { _, streamID, errorCode, userData in
            let owner = NGHTTP2Callbacks.session(userData)
            owner.outbound[streamID] = nil
            owner.incomingHeaders[streamID] = nil
            owner.events.append(.streamClosed(streamID: streamID, errorCode: errorCode))
            return 0
        }
    }

    /// Hands nghttp2 the next piece of a stream's body, or defers until there is one. At the end,
    /// trailers (if any) are submitted from here, which nghttp2 allows, with NO_END_STREAM so the
    /// trailers' HEADERS frame carries END_STREAM instead.
    static let readBody: nghttp2_data_source_read_callback = { _, streamID, buffer, length, dataFlags, _, userData in
        let owner = NGHTTP2Callbacks.session(userData)
        guard owner.outbound[streamID] != nil, let buffer, let dataFlags else {
            return Int(NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE.rawValue)
        }
        // Changed in place in the dictionary (a copy taken out would copy its chunk array on write).
        let before = owner.outbound[streamID]!.bufferedCount
        let count = owner.outbound[streamID]!.read(into: buffer, capacity: length)
        let after = owner.outbound[streamID]!.bufferedCount
        let lowWater = owner.settings.maxBufferedBodyPerStream / 2
        if before >= lowWater && after < lowWater {
            owner.events.append(.outboundDrained(streamID: streamID))
        }
        guard after == 0 else { return count }
        if owner.outbound[streamID]!.isFinished {
            dataFlags.pointee |= NGHTTP2_DATA_FLAG_EOF.rawValue
            let trailers = owner.outbound[streamID]!.trailers
            if !trailers.isEmpty {
                dataFlags.pointee |= NGHTTP2_DATA_FLAG_NO_END_STREAM.rawValue
                owner.submitTrailers(streamID: streamID, trailers)
            }
        } else if count == 0 {
            owner.outbound[streamID]!.isDeferred = true
            return Int(NGHTTP2_ERR_DEFERRED.rawValue)
        }
        return count
    }
}

extension NGHTTP2Session {
    /// RFC 9113 §5.1.1: a new stream's id must be higher than every id the peer used before; a
    /// HEADERS that opens a stream below that is a connection error of type PROTOCOL_ERROR. nghttp2
    /// 1.52 ignores such a frame, so it is caught here, where the frame header is seen first.
    ///
    /// Streams up to the last one nghttp2 processed were all opened; one that is not open now has
    /// closed, and a HEADERS on it is a violation, except on a stream this side reset (the peer may
    /// have sent its trailers before it saw the reset). Streams above it that are not open were
    /// ignored after our GOAWAY, and their trailers may still come: not checked.
    fileprivate func checkStreamID(of header: nghttp2_frame_hd, _ session: OpaquePointer?) -> Int32 {
        let id = header.stream_id
        guard role == .server, id > 0, id % 2 == 1, id <= nghttp2_session_get_last_proc_stream_id(session) else { return 0 }
        let isOpen = nghttp2_session_get_stream_remote_close(session, id) >= 0
        if isOpen || recentlyReset.contains(id) { return 0 }
        nghttp2_session_terminate_session(session, HTTP2ErrorCode.protocolError)
        return Int32(NGHTTP2_ERR_CALLBACK_FAILURE.rawValue)
    }
}
