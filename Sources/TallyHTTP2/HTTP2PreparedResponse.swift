internal import CNghttp2
public import NIOCore

/// A header block laid out once as nghttp2's name/value array, to be submitted any number of
/// times without building strings or arrays per call. Immutable after `init`; nghttp2 is told not
/// to copy the bytes (`NO_COPY_*`), so whoever submits it keeps the object alive until the stream
/// has closed (the stream's state holds a reference).
public final class HTTP2PreparedHeaders: @unchecked Sendable {
    // @unchecked: the pointers are written in init and only read afterwards.
    public let fields: [HTTP2HeaderField]
    private let bytes: UnsafeMutableRawBufferPointer
    let nameValues: [nghttp2_nv]

    public init(_ fields: [HTTP2HeaderField]) {
        precondition(!fields.isEmpty, "a header block needs at least one field")
        self.fields = fields
        let size = fields.reduce(0) { $0 + $1.name.utf8.count + $1.value.utf8.count }
        bytes = .allocate(byteCount: max(size, 1), alignment: 1)
        var offset = 0
        var nameValues: [nghttp2_nv] = []
        nameValues.reserveCapacity(fields.count)
        let base = bytes.baseAddress!.assumingMemoryBound(to: UInt8.self)
        for field in fields {
            let name = base + offset
            for byte in field.name.utf8 { base[offset] = byte; offset += 1 }
            let value = base + offset
            for byte in field.value.utf8 { base[offset] = byte; offset += 1 }
            nameValues.append(nghttp2_nv(name: name, value: value, namelen: field.name.utf8.count, valuelen: field.value.utf8.count,
                                         flags: UInt8(NGHTTP2_NV_FLAG_NO_COPY_NAME.rawValue | NGHTTP2_NV_FLAG_NO_COPY_VALUE.rawValue)))
        }
        self.nameValues = nameValues
    }

    deinit {
        bytes.deallocate()
    }
}

/// A complete response made once and sent many times: the head (with `:status`), the body, and the
/// trailers. A server answers a call whose answer it already has with one of these, on the event
/// loop, without a task; the body's storage is shared between calls, never copied per call.
public final class HTTP2PreparedResponse: Sendable {
    let head: HTTP2PreparedHeaders
    public let body: ByteBuffer
    let trailers: HTTP2PreparedHeaders?

    public var status: Int { Int(head.fields[0].value) ?? 0 }
    public var headers: [HTTP2HeaderField] { Array(head.fields.dropFirst()) }
    public var trailerFields: [HTTP2HeaderField] { trailers?.fields ?? [] }

    public init(status: Int, headers: [HTTP2HeaderField], body: ByteBuffer, trailers: [HTTP2HeaderField]) {
        head = HTTP2PreparedHeaders([HTTP2HeaderField(":status", String(status))] + headers)
        self.body = body
        self.trailers = trailers.isEmpty ? nil : HTTP2PreparedHeaders(trailers)
    }
}
