import Foundation
import TallyCodec
import TallyTestSupport
import Testing

/// Calls through curl (`--http2-prior-knowledge`), an HTTP/2 stack that shares no code with Tally.
/// One call per curl process: curl 7.88 fails to reuse a prior-knowledge connection with `--next`
/// ("Error in the HTTP2 framing layer", against nghttpd too), so same-connection checks use the
/// Python h2 peer instead.
struct CurlClient {
    struct Call {
        var path: String
        var method = "POST"
        var body: [UInt8]? = EnvelopeFramer().frame(HealthRequest())
        var headers: [String] = ["content-type: application/tally+proto"]
    }

    struct Response {
        var status: Int
        var headers: [String: String]
        var trailers: [String: String]
        var body: [UInt8]

        /// The body as envelopes (inflated when the response says tally-encoding: deflate).
        func envelopes() throws -> [Envelope] {
            var deframer = EnvelopeDeframer(inflater: headers["tally-encoding"] == "deflate" ? Inflater() : nil)
            deframer.append(body)
            var out: [Envelope] = []
            while let envelope = try deframer.next() { out.append(envelope) }
            try deframer.finish()
            return out
        }

        /// The end-of-stream status, which every RPC response must end with.
        func callStatus() throws -> Status {
            let last = try #require(try envelopes().last)
            #expect(last.isEndOfStream)
            return try Status(wireBytes: last.payload)
        }

        func message<M: WireMessage>(_ type: M.Type, at index: Int = 0) throws -> M {
            try M(wireBytes: try envelopes()[index].payload)
        }
    }

    let port: Int

    func call(_ call: Call) throws -> Response {
        let curl = try #require(PeerTools.path("curl"), "curl is not installed (make test installs it)")
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("curl-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let head = directory.appendingPathComponent("head"), body = directory.appendingPathComponent("body")
        var arguments = ["-sS", "--http2-prior-knowledge", "--max-time", "20", "-X", call.method, "-D", head.path, "-o", body.path]
        for header in call.headers { arguments += ["-H", header] }
        if let requestBody = call.body {
            let file = directory.appendingPathComponent("request")
            try Data(requestBody).write(to: file)
            arguments += ["--data-binary", "@\(file.path)"]
        }
        arguments.append("http://127.0.0.1:\(port)\(call.path)")
        let result = try runProcess(curl, arguments)
        #expect(result.status == 0, "curl failed: \(result.stderr)")
        return try Self.parse(head: (try? String(contentsOf: head, encoding: .utf8)) ?? "",
                              body: (try? Data(contentsOf: body)).map { [UInt8]($0) } ?? [])
    }

    /// curl's -D output: the status line and headers, a blank line, then the trailers.
    static func parse(head: String, body: [UInt8]) throws -> Response {
        let blocks = head.components(separatedBy: "\r\n\r\n")
        let lines = blocks[0].components(separatedBy: "\r\n")
        let status = Int(lines.first?.split(separator: " ").dropFirst().first ?? "") ?? 0
        func fields(_ block: String) -> [String: String] {
            var out: [String: String] = [:]
            for line in block.components(separatedBy: "\r\n") {
                guard let colon = line.firstIndex(of: ":") else { continue }
                out[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            }
            return out
        }
        return Response(status: status, headers: fields(blocks[0]), trailers: blocks.count > 1 ? fields(blocks[1]) : [:], body: body)
    }
}
