import Foundation
import TallyCodec
import TallyTestSupport
import Testing

/// Python's `h2` (Tests/Interop/h2_peer.py): an HTTP/2 implementation that shares no code with
/// nghttp2, used for interop calls and for the adversarial scenarios curl cannot produce.
struct H2Peer {
    let port: Int

    static var enabled: Bool { Peers.pythonTestsEnabled }

    private func run(_ arguments: [String]) throws -> [String: Any] {
        let python = try #require(Peers.python, "TALLY_PYTHON is not set (make test sets it)")
        let script = RepositoryPaths.root.appendingPathComponent("Tests/Interop/h2_peer.py").path
        let result = try runProcess(python, [script] + arguments)
        #expect(result.status == 0, "h2_peer \(arguments.first ?? ""): \(result.stderr)")
        let json = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8))
        return try #require(json as? [String: Any], "h2_peer printed \(result.stdout)")
    }

    func call(_ path: String, body: [UInt8] = EnvelopeFramer().frame(HealthRequest()), method: String = "POST",
              headers: [(String, String)] = [("content-type", "application/tally+proto")],
              readRate: Int? = nil, timeout: Int = 10, deadline: Int = 20) throws -> PeerResponse {
        // Large bodies go through a file: one argv string may not exceed 128 KiB on Linux.
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("h2-body-\(UUID().uuidString)")
        try Data(body).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        var arguments = ["call", "127.0.0.1", String(port), path, "--method", method, "--body-file", file.path,
                         "--timeout", String(timeout), "--deadline", String(deadline)]
        if let readRate { arguments += ["--read-rate", String(readRate)] }
        for (name, value) in headers { arguments += ["--header", "\(name):\(value)"] }
        return PeerResponse(try run(arguments))
    }

    struct Call {
        var path: String
        var body: [UInt8] = EnvelopeFramer().frame(HealthRequest())
        var method = "POST"
        var headers: [(String, String)] = [("content-type", "application/tally+proto")]
    }

    /// Calls one after another on a single connection; each waits up to `timeout` seconds for its
    /// response, the whole run up to `deadline`.
    func sequence(_ calls: [Call], timeout: Int = 10, deadline: Int = 20) throws -> (results: [PeerResponse], summary: [String: Any]) {
        let list: [[String: Any]] = calls.map { call in
            ["path": call.path, "method": call.method, "body_hex": Self.hex(call.body), "headers": call.headers.map { [$0.0, $0.1] }]
        }
        let json = String(decoding: try JSONSerialization.data(withJSONObject: list), as: UTF8.self)
        let out = try run(["sequence", "127.0.0.1", String(port), json, "--timeout", String(timeout), "--deadline", String(deadline)])
        return (((out["results"] as? [[String: Any]]) ?? []).map(PeerResponse.init), out)
    }

    func scenario(_ name: String, _ params: [String: String] = [:], deadline: Int = 20) throws -> [String: Any] {
        try run(["scenario", name, "127.0.0.1", String(port), "--deadline", String(deadline)] + params.flatMap { ["--param", "\($0)=\($1)"] })
    }

    static func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }
}

/// One response as the peer saw it. Immutable JSON values, so safe to pass between tasks.
struct PeerResponse: @unchecked Sendable {
    let raw: [String: Any]

    init(_ raw: [String: Any]) { self.raw = raw }

    var status: Int? { raw["status"] as? Int }
    var resetCode: Int? { raw["reset_code"] as? Int }
    var goawayCode: Int? { raw["goaway_code"] as? Int }

    func header(_ name: String) -> String? {
        ((raw["headers"] as? [[String]]) ?? []).first { $0.first == name }?.last
    }

    func trailer(_ name: String) -> String? {
        ((raw["trailers"] as? [[String]]) ?? []).first { $0.first == name }?.last
    }

    var envelopes: [(flags: Int, payload: [UInt8])] {
        ((raw["envelopes"] as? [[String: Any]]) ?? []).map { envelope in
            let hex = envelope["payload_hex"] as? String ?? ""
            var bytes: [UInt8] = []
            var index = hex.startIndex
            while index < hex.endIndex {
                let next = hex.index(index, offsetBy: 2)
                bytes.append(UInt8(hex[index..<next], radix: 16)!)
                index = next
            }
            return ((envelope["flags"] as? Int) ?? -1, bytes)
        }
    }

    /// The end-of-stream status (flag 0x02 on the last envelope), or nil when there is none.
    var callStatus: Status? {
        guard let last = envelopes.last, last.flags & 0x02 != 0 else { return nil }
        return try? Status(wireBytes: last.payload)
    }
}
