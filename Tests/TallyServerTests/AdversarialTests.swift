import Foundation
import Testing
import TallyCodec
import TallyModel
import TallyTestSupport

/// Bad input and abusive clients, each answered with the documented error while the server keeps
/// serving: on the same connection where the protocol allows it, and always on other connections.
@Suite(.serialized, .timeLimit(.minutes(3)), .enabled(if: H2Peer.enabled, "needs TALLY_PYTHON (make test sets it)"))
final class AdversarialTests {
    let server: TallydProcess
    let peer: H2Peer
    static let token = "s3cret-publish-token"
    let tokenFile: String

    init() throws {
        tokenFile = FileManager.default.temporaryDirectory.appendingPathComponent("token-\(UUID().uuidString)").path
        try Data((Self.token + "\n").utf8).write(to: URL(fileURLWithPath: tokenFile))
        server = try TallydProcess(arguments: ["--publish-token-file", tokenFile, "--idle-timeout-seconds", "2"])
        peer = H2Peer(port: server.port)
    }

    deinit {
        server.stop()
        try? FileManager.default.removeItem(atPath: tokenFile)
    }

    private func stillServing() throws {
        let health = try peer.call("/tally.v1.Tally/Health")
        #expect(health.status == 200, "a new connection is no longer served")
        #expect(health.callStatus == .ok)
    }

    static let json = [("content-type", "application/json")]
    static let proto = [("content-type", "application/tally+proto")]

    /// Every malformed call on one connection gets its own documented status, and the connection
    /// then serves a good call.
    @Test func malformedCallsLeaveTheConnectionServing() throws {
        let bomb = Deflater(level: 9).compress([UInt8](repeating: 0, count: 2_000_000))
        var bombEnvelope: [UInt8] = []
        EnvelopeFramer.appendPrefix(flags: .compressed, length: bomb.count, to: &bombEnvelope)
        let calls: [(H2Peer.Call, Int, StatusCode)] = [
            (.init(path: "/tally.v1.Tally/Health", body: [0x04, 0, 0, 0, 0]), 400, .invalidArgument),
            (.init(path: "/tally.v1.Tally/Health", body: [0x00, 0x7F, 0xFF, 0xFF, 0xFF, 0, 0, 0]), 429, .resourceExhausted),
            (.init(path: "/tally.v1.Tally/Totals", body: [0x00, 0, 0, 0, 2, 0x08, 0x01]), 400, .invalidArgument),
            (.init(path: "/tally.v1.Tally/Health", body: bombEnvelope + bomb, headers: Self.proto + [("tally-encoding", "deflate")]), 429, .resourceExhausted),
            (.init(path: "/tally.v1.Tally/Health", headers: Self.proto + [("tally-encoding", "br")]), 501, .unimplemented),
            (.init(path: "/tally.v1.Tally/Nope"), 404, .notFound),
            (.init(path: "/no/such/route"), 404, .notFound),
            (.init(path: "/tally.v1.Tally/Totals", body: [], method: "GET", headers: []), 405, .unimplemented),
            (.init(path: "/tally.v1.Tally/Health", headers: Self.json), 415, .invalidArgument),
            (.init(path: "/tally.v1.Tally/Health", body: []), 400, .invalidArgument),
            (.init(path: "/tally.v1.Tally/Health", body: [0x00, 0, 0, 0, 5, 1]), 400, .invalidArgument),
            (.init(path: "/tally.v1.Tally/Health"), 200, .ok),
        ]
        let (results, summary) = try peer.sequence(calls.map(\.0))
        #expect(summary["completed"] as? Int == calls.count)
        for (result, expected) in zip(results, calls) {
            #expect(result.status == expected.1, "\(expected.0.path): \(result.raw)")
            #expect(result.callStatus?.code == expected.2, "\(expected.0.path): \(String(describing: result.callStatus))")
            #expect(result.trailer("tally-status") == String(expected.2.wireValue))
        }
        // The undecodable message names the message, the field and the offset.
        let invalid = try #require(results[2].callStatus)
        #expect(invalid.message.contains("tally.v1.TotalsRequest.1"))
        #expect(invalid.violations.first?.field == "tally.v1.TotalsRequest.1")
        try stillServing()
    }

    @Test func publishNeedsTheRightTokenAndAValidBatch() throws {
        let good = SyntheticFigures.make(count: 2, prefix: "adv")
        var bad = SyntheticFigures.make(count: 2, prefix: "adv-bad")
        bad[1].period = Period(start: Day(iso: "2025-02-01")!, end: Day(iso: "2025-01-01")!)
        func publish(_ figures: [Figure], token: String?) -> H2Peer.Call {
            var request = PublishRequest()
            request.figures = figures
            return .init(path: "/tally.v1.Tally/Publish", body: EnvelopeFramer().frame(request),
                         headers: Self.proto + (token.map { [("authorization", "Bearer \($0)")] } ?? []))
        }
        let (results, _) = try peer.sequence([
            publish(good, token: nil),
            publish(good, token: "wrong"),
            publish(bad, token: Self.token),
            .init(path: "/tally.v1.Tally/Health"),
            publish(good, token: Self.token),
            .init(path: "/tally.v1.Tally/Health"),
        ])
        #expect(results.map(\.status) == [401, 403, 400, 200, 200, 200])
        #expect(results.map { $0.callStatus?.code } == [.unauthenticated, .permissionDenied, .invalidArgument, .ok, .ok, .ok])
        let violation = try #require(results[2].callStatus?.violations.first)
        #expect(violation.field == "figures[1].period.end_day")
        #expect(violation.description.contains("adv-bad-1"))
        // Nothing of the bad batch was written; the good one made version 2.
        let before = try HealthResponse(wireBytes: try #require(results[3].envelopes.first).payload)
        let after = try HealthResponse(wireBytes: try #require(results[5].envelopes.first).payload)
        #expect(after.datasetVersion == before.datasetVersion + 1)
        let published = try PublishResponse(wireBytes: try #require(results[4].envelopes.first).payload)
        #expect(published.upserted == 2)
    }

    /// A header block over 16 KiB is answered 431; the connection survives.
    @Test func oversizedHeaders() throws {
        let out = try peer.scenario("oversized-headers", ["bytes": "20000"])
        #expect(out["status"] as? Int == 431)
        #expect(out["connection_alive"] as? Bool == true)
        try stillServing()
    }

    /// More concurrent streams than advertised (100): nghttp2 ends that connection with GOAWAY
    /// PROTOCOL_ERROR (or refuses the excess streams); other connections are unaffected.
    @Test func tooManyStreams() throws {
        let out = try peer.scenario("too-many-streams", ["streams": "150"])
        #expect(out["max_concurrent_streams_setting"] as? Int == 100)
        let refused = out["refused"] as? Int ?? 0
        #expect(refused > 0 || out["goaway_code"] as? Int == 1, "\(out)")
        try stillServing()
    }

    /// A burst of stream resets (rapid reset): the connection is closed with GOAWAY.
    @Test func rapidReset() throws {
        let out = try peer.scenario("rapid-reset", ["count": "3000"])
        #expect(out["goaway_received"] as? Bool == true, "\(out)")
        try stillServing()
    }

    /// CONTINUATION frames without end: past nghttp2's limit (8) the session fails and the
    /// connection is closed; nghttp2 treats this as fatal and sends no GOAWAY (nghttpd does the same).
    @Test func continuationFlood() throws {
        let out = try peer.scenario("continuation-flood", ["frames": "100"])
        #expect(out["connection_closed"] as? Bool == true, "\(out)")
        try stillServing()
    }

    /// A HEADERS that opens stream 3 after stream 5 was used: RFC 9113 §5.1.1 wants a connection
    /// error of type PROTOCOL_ERROR (nghttp2 1.52 alone ignores the frame and says nothing).
    @Test func reusedLowerStreamID() throws {
        let out = try peer.scenario("reused-stream-id", [:])
        #expect(out["streams_sent"] as? [Int] == [5, 3], "\(out)")
        #expect(out["goaway_code"] as? Int == 1, "\(out)")
        #expect(out["goaway_last_stream_id"] as? Int == 5, "\(out)")
        try stillServing()
    }

    /// An idle connection is sent GOAWAY(NO_ERROR) after the idle timeout (2 s here) and closed.
    @Test func idleConnection() throws {
        let out = try peer.scenario("idle", ["seconds": "4"])
        #expect(out["goaway_code"] as? Int == 0, "\(out)")
        let after = try #require(out["goaway_received_after_ms"] as? Double)
        #expect(after > 1_500 && after < 4_000)
        try stillServing()
    }

    /// A client that stops reading a large response gets no more than its flow-control window,
    /// and the server keeps serving everyone else meanwhile.
    @Test func clientThatStopsReading() async throws {
        var request = PublishRequest()
        request.figures = SyntheticFigures.make(count: 2_000, prefix: "slow")
        let published = try peer.call("/tally.v1.Tally/Publish", body: EnvelopeFramer().frame(request),
                                      headers: Self.proto + [("authorization", "Bearer \(Self.token)")])
        #expect(published.callStatus == .ok)
        let port = server.port
        let slow = Task { () throws -> (status: Int?, received: Int?, open: Bool?) in
            try await onOwnThread { () throws -> (status: Int?, received: Int?, open: Bool?) in
                let out = try H2Peer(port: port).scenario("slow-reader", ["seconds": "2", "hold": "2"])
                return (out["status"] as? Int, out["bytes_received"] as? Int, out["still_open"] as? Bool)
            }
        }
        try await Task.sleep(for: .milliseconds(300))
        for _ in 0..<3 { try stillServing() }
        let out = try await slow.value
        #expect(out.status == 200)
        let received = try #require(out.received)
        #expect(received <= 65_535 + 9 * 8, "the server sent past the client's window: \(received)")
        #expect(out.open == true)
    }
}
