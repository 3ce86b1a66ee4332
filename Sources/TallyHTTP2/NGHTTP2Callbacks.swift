internal import CNghttp2

/// nghttp2's callbacks, as capture-free closures (so they convert to C function pointers) that
/// recover the session object from `user_data`. They only record events and move bytes: they never
/// call back into `mem_recv` or `mem_send`.
enum NGHTTP2Callbacks {
    static func session(_ userData: UnsafeMutableRawPointer?) -> NGHTTP2Session {
        Unmanaged<NGHTTP2Session>.fromOpaque(userData!).takeUnretainedValue()
    }

    static func install(in callbacks: OpaquePointer?) {
        nghttp2_session_callbacks_set_on_begin_headers_callback(callbacks) { _, frame, userData in
            guard let frame else { return 0 }
            NGHTTP2Callbacks.session(userData).incomingHeaders[frame.pointee.hd.stream_id] = ([], 0)
            return 0
        }

        nghttp2_session_callbacks_set_on_header_callback(callbacks) { _, frame, name, nameLength, value, valueLength, _, userData in
            guard let frame, let name, let value else { return 0 }
            let owner = NGHTTP2Callbacks.session(userData)
            let streamID = frame.pointee.hd.stream_id
            guard var block = owner.incomingHeaders[streamID] else { return 0 }
            // RFC 9113 6.5.2: a field costs its name, its value and 32 bytes.
            block.size += nameLength + valueLength + 32
            if block.size <= Int(owner.settings.maxHeaderListSize) {
                block.fields.append(HTTP2HeaderField(
                    String(decoding: UnsafeBufferPointer(start: name, count: nameLength), as: UTF8.self),
                    String(decoding: UnsafeBufferPointer(start: value, count: valueLength), as: UTF8.self)))
            } else {
                block.fields.removeAll()
            }
            owner.incomingHeaders[streamID] = block
            return 0
        }

        nghttp2_session_callbacks_set_on_frame_recv_callback(callbacks) { _, frame, userData in
            guard let frame else { return 0 }
            let owner = NGHTTP2Callbacks.session(userData)
            let header = frame.pointee.hd
            let endStream = header.flags & UInt8(NGHTTP2_FLAG_END_STREAM.rawValue) != 0
            switch UInt32(header.type) {
            case NGHTTP2_HEADERS.rawValue:
                let block = owner.incomingHeaders.removeValue(forKey: header.stream_id) ?? ([], 0)
                if block.size > Int(owner.settings.maxHeaderListSize) {
                    owner.events.append(.headersTooLarge(streamID: header.stream_id))
                } else {
                    owner.events.append(.headers(streamID: header.stream_id, fields: block.fields, endStream: endStream))
                }
            case NGHTTP2_DATA.rawValue:
                if endStream { owner.events.append(.endStream(streamID: header.stream_id)) }
            case NGHTTP2_GOAWAY.rawValue:
                owner.events.append(.goaway(lastStreamID: frame.pointee.goaway.last_stream_id, errorCode: frame.pointee.goaway.error_code))
            case NGHTTP2_PING.rawValue:
                if header.flags & UInt8(NGHTTP2_FLAG_ACK.rawValue) != 0 { owner.events.append(.pingAcknowledged) }
            default:
                break
            }
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
    static let readBody: nghttp2_data_source_read_callback = { session, streamID, buffer, length, dataFlags, _, userData in
        let owner = NGHTTP2Callbacks.session(userData)
        guard var body = owner.outbound[streamID], let buffer, let dataFlags else {
            return Int(NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE.rawValue)
        }
        let before = body.bufferedCount
        let count = body.read(into: buffer, capacity: length)
        let lowWater = owner.settings.maxBufferedBodyPerStream / 2
        if before >= lowWater && body.bufferedCount < lowWater {
            owner.events.append(.outboundDrained(streamID: streamID))
        }
        if body.bufferedCount == 0 {
            if body.isFinished {
                dataFlags.pointee |= NGHTTP2_DATA_FLAG_EOF.rawValue
                if !body.trailers.isEmpty {
                    dataFlags.pointee |= NGHTTP2_DATA_FLAG_NO_END_STREAM.rawValue
                    owner.submitTrailers(streamID: streamID, body.trailers)
                }
            } else if count == 0 {
                body.isDeferred = true
                owner.outbound[streamID] = body
                return Int(NGHTTP2_ERR_DEFERRED.rawValue)
            }
        }
        owner.outbound[streamID] = body
        return count
    }
}

extension NGHTTP2Session {
    func submitTrailers(streamID: Int32, _ trailers: [HTTP2HeaderField]) {
        var storage = trailers.flatMap { [Array($0.name.utf8), Array($0.value.utf8)] }
        storage.withUnsafeMutableBufferPointer { buffers in
            var nameValues: [nghttp2_nv] = []
            for i in stride(from: 0, to: buffers.count, by: 2) {
                nameValues.append(buffers[i].withUnsafeMutableBufferPointer { name in
                    buffers[i + 1].withUnsafeMutableBufferPointer { value in
                        nghttp2_nv(name: name.baseAddress, value: value.baseAddress, namelen: name.count, valuelen: value.count,
                                   flags: UInt8(NGHTTP2_NV_FLAG_NONE.rawValue))
                    }
                })
            }
            // The pointers above escape their closures but the arrays live (unmoved) in `storage`
            // for the whole call; nghttp2 copies the fields before returning.
            nghttp2_submit_trailer(session, streamID, nameValues, nameValues.count)
        }
    }
}
