import Foundation
import Testing
import TallyCodec
import TallyModel
import TallyTestSupport

/// tallyd against nghttp (nghttp2's own client, Debian nghttp2-client): calls on one connection,
/// checked from its frame log: status, DATA bytes (the envelopes), trailers with END_STREAM.
@Suite(.serialized, .timeLimit(.minutes(3)), .enabled(if: PeerTools.enabled("nghttp"), "needs nghttp"))
final class NghttpInteropTests {
    let server: TallydProcess

    init() throws { server = try TallydProcess() }

    deinit { server.stop() }

    @Test func callsOnOneConnectionWithTrailers() throws {
        let nghttp = try #require(PeerTools.path("nghttp"), "nghttp is not installed (make test installs it)")
        let request = TotalsRequest(jurisdiction: "UA", measure: "cases_received_by_courts", window: Period(text: "2025-01-01..2025-05-31"))
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("nghttp-\(UUID().uuidString)")
        try Data(EnvelopeFramer().frame(request)).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        // Two URIs (nghttp merges identical ones): both on one connection, each with the same body.
        let result = try runProcess(nghttp, ["-v", "-d", file.path, "-H", "content-type: application/tally+proto",
                                             "\(server.url)/tally.v1.Tally/Totals", "\(server.url)/tally.v1.Tally/Totals?copy=2"])
        #expect(result.status == 0, "\(result.stderr)")
        let log = result.stdout
        #expect(log.components(separatedBy: ":status: 200").count - 1 == 2)
        #expect(log.components(separatedBy: "tally-status: 0").count - 1 == 2)
        // Trailers come in a HEADERS frame with END_STREAM (flags 0x05).
        #expect(log.contains("recv HEADERS frame <length=") && log.contains("flags=0x05"))

        // Each stream's DATA is the same envelopes curl receives for the same call.
        let viaCurl = try CurlClient(port: server.port).call(.init(path: "/tally.v1.Tally/Totals", body: EnvelopeFramer().frame(request)))
        #expect(try TotalsResponse(wireBytes: try viaCurl.envelopes()[0].payload).total?.value == .exact(2_355))
        let lengths = Self.dataLengths(log)
        #expect(lengths.count == 2)
        #expect(lengths.values.allSatisfy { $0 == viaCurl.body.count }, "\(lengths) vs \(viaCurl.body.count)")
    }

    /// Sum of DATA frame lengths per stream, from `recv DATA frame <length=N, flags=…, stream_id=S>`.
    static func dataLengths(_ log: String) -> [Int: Int] {
        var totals: [Int: Int] = [:]
        for line in log.split(separator: "\n") where line.contains("recv DATA frame <length=") {
            let fields = line.split(separator: "<")[1].split(separator: ",")
            let length = Int(fields[0].split(separator: "=")[1]) ?? 0
            let stream = Int(fields[2].split(separator: "=")[1].trimmingCharacters(in: CharacterSet(charactersIn: "> "))) ?? 0
            totals[stream, default: 0] += length
        }
        return totals
    }
}
