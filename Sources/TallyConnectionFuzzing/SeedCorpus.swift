import TallyFuzzing
import TallyCodec
import TallyHTTP2
import TallyTestSupport

/// The pieces the seed corpora are made of: real requests and responses, framed as on the wire.
enum SeedCorpus {
    static let acceptDeflate = HTTP2HeaderField("tally-accept-encoding", MessageEncoding.acceptHeaderValue)

    /// The headers `TallyClient` sends for a call of `method`.
    static func rpcHeaders(_ method: String, extra: [HTTP2HeaderField] = []) -> [HTTP2HeaderField] {
        [HTTP2HeaderField(":method", "POST"), HTTP2HeaderField(":scheme", "http"), HTTP2HeaderField(":authority", "localhost"),
         HTTP2HeaderField(":path", "/tally.v1.Tally/\(method)"), HTTP2HeaderField("content-type", "application/tally+proto"),
         acceptDeflate] + extra
    }

    static func getHeaders(_ path: String) -> [HTTP2HeaderField] {
        [HTTP2HeaderField(":method", "GET"), HTTP2HeaderField(":scheme", "http"), HTTP2HeaderField(":authority", "localhost"),
         HTTP2HeaderField(":path", path)]
    }

    /// One request as a client sends it: headers, then the body if any, ended.
    struct Request {
        var headers: [HTTP2HeaderField]
        var body: [UInt8]?
    }

    /// What a client session writes for `requests`, on one connection, after the 24-byte preface;
    /// with the acknowledgement of the server's SETTINGS a real client would send on reading them.
    static func clientBytes(_ requests: [Request]) throws -> [UInt8] {
        let client = try NGHTTP2Session(role: .client)
        for request in requests {
            let stream = try client.submitRequest(headers: request.headers, endStream: request.body == nil)
            if let body = request.body {
                client.writeBody(streamID: stream, body)
                client.finishBody(streamID: stream)
            }
        }
        let settingsAck: [UInt8] = [0, 0, 0, 0x4, 0x1, 0, 0, 0, 0]
        return Array(try client.takeOutput().dropFirst(ClientOutput.prefaceSize)) + settingsAck
    }

    /// What a server session writes when `respond` answers one client request (stream 1): a
    /// response crafted by hand, for the answers tallyd never gives (bombs, bad trailers).
    static func craftedServerBytes(_ respond: (NGHTTP2Session, Int32) throws -> Void) throws -> [UInt8] {
        let client = try NGHTTP2Session(role: .client)
        let stream = try client.submitRequest(headers: rpcHeaders("Totals"), endStream: false)
        client.writeBody(streamID: stream, EnvelopeFramer().frame(MessageSamples.all[4]))
        client.finishBody(streamID: stream)
        let server = try NGHTTP2Session(role: .server)
        let request = try client.takeOutput()
        try request.withUnsafeBytes { try server.receive($0) }
        _ = server.takeEvents()
        try respond(server, stream)
        return try server.takeOutput()
    }

    /// A zlib payload that inflates to `size` zero bytes: a compression bomb when `size` is over
    /// the receiver's limit.
    static func bomb(inflatingTo size: Int) -> [UInt8] {
        Deflater(level: 9).compress([UInt8](repeating: 0, count: size))
    }
}
