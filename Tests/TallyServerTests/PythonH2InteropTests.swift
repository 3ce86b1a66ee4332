import Foundation
import Testing
import TallyCodec
import TallyModel
import TallyTestSupport

/// tallyd against Python's h2: real calls, checking status, envelopes, end-of-stream status and trailers.
@Suite(.serialized, .timeLimit(.minutes(3)), .enabled(if: H2Peer.enabled, "needs TALLY_PYTHON (make test sets it)"))
final class PythonH2InteropTests {
    let server: TallydProcess
    let peer: H2Peer

    init() throws {
        server = try TallydProcess()
        peer = H2Peer(port: server.port)
    }

    deinit { server.stop() }

    @Test func healthCall() throws {
        let response = try peer.call("/tally.v1.Tally/Health")
        #expect(response.status == 200)
        #expect(response.header("content-type") == "application/tally+proto")
        #expect(response.envelopes.count == 2)
        let health = try HealthResponse(wireBytes: try #require(response.envelopes.first).payload)
        #expect(health.status == .serving)
        #expect(response.callStatus == .ok)
        #expect(response.trailer("tally-status") == "0")
    }

    @Test func totalsAndConsistency() throws {
        let request = TotalsRequest(jurisdiction: "RU", measure: "cases_received_by_courts", window: Period(text: "2022-09-01..2024-12-31"))
        let response = try peer.call("/tally.v1.Tally/Totals", body: EnvelopeFramer().frame(request))
        let totals = try TotalsResponse(wireBytes: try #require(response.envelopes.first).payload)
        #expect(totals.total?.value == .exact(16_312))
        #expect(totals.total?.derived == true)
        let report = try peer.call("/tally.v1.Tally/Consistency", body: EnvelopeFramer().frame(ConsistencyRequest()))
        let findings = try ConsistencyReport(wireBytes: try #require(report.envelopes.first).payload).findings
        #expect(findings.map(\.kind).contains(.conflictingValues))
        #expect(report.callStatus == .ok)
    }

    /// Twenty calls on one connection, each ending with its end-of-stream envelope.
    @Test func manyCallsOnOneConnection() throws {
        let out = try peer.scenario("many-calls", ["calls": "20"])
        #expect(out["all_ended_with_eos_envelope"] as? Bool == true)
        #expect((out["statuses"] as? [Int])?.allSatisfy { $0 == 200 } == true)
    }
}

extension PythonH2InteropTests {
    /// A call's deadline (tally-timeout-ms) ends it with deadline_exceeded, after the messages
    /// already sent: here a Watch, which otherwise never ends.
    @Test func deadlineEndsTheCall() throws {
        let response = try peer.call("/tally.v1.Tally/Watch", body: EnvelopeFramer().frame(WatchRequest()),
                                     headers: [("content-type", "application/tally+proto"), ("tally-timeout-ms", "300")])
        #expect(response.status == 200)
        #expect(response.callStatus?.code == .deadlineExceeded)
        #expect(response.trailer("tally-status") == "4")
        #expect(response.envelopes.count >= 2)  // the first heartbeat, then the status
    }
}
