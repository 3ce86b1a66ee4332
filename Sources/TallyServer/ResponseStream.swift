import NIOCore
import TallyCodec
import TallyHTTP2

/// One RPC's response: headers on the first message, envelopes batched into DATA writes, and
/// exactly one end-of-stream envelope carrying the status, repeated in the trailers.
///
/// An actor so that the call's own task and its deadline timer can both try to end it: the first
/// `finish` wins, later sends and finishes are ignored.
actor ResponseStream {
    private let writer: HTTP2ResponseWriter
    private let framer: EnvelopeFramer
    let encoding: MessageEncoding
    let compressionThreshold: Int
    private var headersSent = false
    private var finished = false
    private var pending: [UInt8] = []
    private(set) var code = StatusCode.ok
    var extraHeaders: [HTTP2HeaderField] = []

    /// Envelopes are written in DATA chunks of about this size.
    static let batchSize = 64 << 10

    /// zlib's own default trade-off, for every call but the snapshot (`TallyRPC.Method.compressionLevel`).
    static let defaultCompressionLevel: Int32 = 6

    init(writer: HTTP2ResponseWriter, encoding: MessageEncoding, compressionThreshold: Int, compressionLevel: Int32 = defaultCompressionLevel) {
        self.writer = writer
        self.encoding = encoding
        self.compressionThreshold = compressionThreshold
        self.framer = EnvelopeFramer(deflater: encoding == .deflate ? Deflater(level: compressionLevel) : nil, compressionThreshold: compressionThreshold)
    }

    /// Returns when the client has reset the stream or gone away (or the call's task is cancelled).
    nonisolated func writerClosed() async {
        await writer.closed()
    }

    func addHeader(_ name: String, _ value: String) {
        extraHeaders.append(HTTP2HeaderField(name, value))
    }


    /// Messages are buffered and written in batches; headers go with the first batch, so a unary
    /// call (one message, then the status) is written in a single step.
    func send(_ message: some WireMessage) async throws {
        try await send(payload: message.wireBytes())
    }

    /// A message already encoded (a cached answer).
    func send(payload: [UInt8]) async throws {
        guard !finished else { return }
        pending += framer.frame(payload)
        messagesSent += 1
        if pending.count >= Self.batchSize { try await flush() }
    }

    private var messagesSent = 0

    func flush() async throws {
        guard !pending.isEmpty else { return }
        if !headersSent {
            headersSent = true
            try await writer.writeHead(status: 200, headers: responseHeaders)
        }
        let chunk = pending
        pending = []
        try await writer.write(chunk)
    }

    /// Ends the call. If nothing was written yet, headers, messages, status and trailers go in one
    /// step; the HTTP status follows the code only when no message preceded it (PROTOCOL.md).
    func finish(_ status: Status, httpStatus: Int? = nil) async {
        guard !finished else { return }
        finished = true
        code = status.code
        pending += framer.frame(status, endOfStream: true)
        do {
            if !headersSent {
                headersSent = true
                let http = messagesSent > 0 ? 200 : (httpStatus ?? status.code.httpStatus)
                try await writer.respond(status: http, headers: responseHeaders, body: pending, trailers: Self.trailers(status))
            } else {
                try await flush()
                try await writer.finish(trailers: Self.trailers(status))
            }
        } catch {
            // The peer is gone; there is no one left to tell.
        }
    }

    /// A whole OK answer prepared before (and perhaps cached): sent as it is, and the call ends.
    func send(prepared response: HTTP2PreparedResponse) async {
        guard !finished, !headersSent else { return }
        finished = true
        headersSent = true
        code = .ok
        try? await writer.respond(response)
    }

    /// The complete response of a unary call that succeeds with `payload`, exactly as `send` and
    /// `finish(.ok)` would write it, made once so the event loop can send it again and again.
    static func prepared(payload: [UInt8], encoding: MessageEncoding, compressionThreshold: Int,
                         extraHeaders: [HTTP2HeaderField]) -> HTTP2PreparedResponse {
        let framer = EnvelopeFramer(deflater: encoding == .deflate ? Deflater() : nil, compressionThreshold: compressionThreshold)
        let body = framer.frame(payload) + framer.frame(Status.ok, endOfStream: true)
        return HTTP2PreparedResponse(status: 200, headers: headers(encoding, extra: extraHeaders), body: ByteBuffer(bytes: body),
                                     trailers: trailers(.ok))
    }

    private static func trailers(_ status: Status) -> [HTTP2HeaderField] {
        [HTTP2HeaderField("tally-status", String(status.code.wireValue)),
         HTTP2HeaderField("tally-message", PercentEncoding.encode(status.message))]
    }

    private var responseHeaders: [HTTP2HeaderField] { Self.headers(encoding, extra: extraHeaders) }

    private static func headers(_ encoding: MessageEncoding, extra: [HTTP2HeaderField]) -> [HTTP2HeaderField] {
        var headers = [HTTP2HeaderField("content-type", Router.contentType)]
        if encoding != .identity { headers.append(HTTP2HeaderField("tally-encoding", encoding.rawValue)) }
        headers.append(HTTP2HeaderField("tally-accept-encoding", MessageEncoding.acceptHeaderValue))
        return headers + extra
    }

    /// A conditional GET that matched: 304, no body, no status envelope.
    func notModified() async {
        guard !finished, !headersSent else { return }
        finished = true
        headersSent = true
        try? await writer.writeHead(status: 304, headers: extraHeaders, endStream: true)
    }

}

/// Percent-encoding for header values (`tally-message`): everything but unreserved ASCII.
enum PercentEncoding {
    static func encode(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"), UInt8(ascii: " "):
                out.append(Character(Unicode.Scalar(byte)))
            default:
                out += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return out
    }

    static func decode(_ text: String) -> String {
        var bytes: [UInt8] = []
        var iterator = Array(text.utf8).makeIterator()
        while let byte = iterator.next() {
            if byte == UInt8(ascii: "%"), let high = iterator.next(), let low = iterator.next(),
               let value = UInt8(String(decoding: [high, low], as: UTF8.self), radix: 16) {
                bytes.append(value)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

extension String {
    func leftPadded(to width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}
