import Foundation
import Testing
@testable import TallyServer
import TallyTestSupport

/// The connection limit (`ConnectionAdmission`), in tallyd as a process against Python's h2: one
/// connection past the limit gets a GOAWAY for stream 0 that says why, is counted, and nothing on
/// it is served; the connections it has are served on; a freed place is taken by the next one.
@Suite(.serialized, .timeLimit(.minutes(3)))
struct ConnectionLimitTests {
    @Test(.enabled(if: LimitsPeer.enabled, "needs TALLY_PYTHON"))
    func connectionsPastTheLimitGetGoawayAndAreCounted() async throws {
        let tallyd = try TallydProcess(environment: ["TALLY_MAX_CONNECTIONS": "3"])
        defer { tallyd.stop() }
        let result = try await LimitsPeer.run("connection-limit", port: tallyd.port, 3)
        #expect(result["held"] as? Int == 3)
        #expect(result["extra_served"] as? Bool == false, "a connection past the limit was served")
        let goaway = try #require(result["extra_goaway"] as? [Any], "no GOAWAY: \(result)")
        #expect(goaway[0] as? Int == 0xB, "error code ENHANCE_YOUR_CALM")
        #expect(goaway[1] as? Int == 0, "last stream id 0: nothing was processed, everything may be retried")
        #expect((goaway[2] as? String)?.contains("too many connections: this server serves at most 3") == true, "\(goaway)")
        #expect(result["refused_total"] as? Double == 1)
        #expect(result["open_connections"] as? Double == 3, "the refused connection is not counted as open")
        #expect(result["served_after_close"] as? Bool == true, "a freed place was not taken: \(result)")
    }

    @Test func maxConnectionsMustBePositive() throws {
        let tallyd = TallydProcess.productsDirectory.appendingPathComponent("tallyd").path
        let flag = try runProcess(tallyd, ["--max-connections", "0", "--port", "0"])
        #expect(flag.status == 64 && flag.stderr.contains("--max-connections must be at least 1"), "\(flag.stderr)")
        let environment = try runProcess(tallyd, ["--port", "0", "--database", "/nonexistent/never-opened.sqlite"],
                                         environment: ["TALLY_MAX_CONNECTIONS": "many"])
        #expect(environment.status != 0 && environment.stderr.contains("TALLY_MAX_CONNECTIONS=many"), "\(environment.stderr)")
    }

    @Test func admissionServesUpToTheLimitThenRefusesThenDrops() {
        let admission = ConnectionAdmission(limit: 2, maxLingeringRefusals: 1)
        #expect(admission.admit() == .serve)
        #expect(admission.admit() == .serve)
        #expect(admission.admit() == .refuse)
        #expect(admission.admit() == .drop, "one refusal lingers already")
        admission.refusalClosed()
        #expect(admission.admit() == .refuse)
        admission.servedClosed()
        #expect(admission.admit() == .serve)
        #expect(admission.servedCount == 2)
    }

    @Test func theDefaultLimitLeavesDescriptorsForTheRest() {
        #expect(ConnectionAdmission.automaticLimit(descriptorLimit: nil) == 10_000)
        #expect(ConnectionAdmission.automaticLimit(descriptorLimit: 1_048_576) == 10_000)
        #expect(ConnectionAdmission.automaticLimit(descriptorLimit: 20_000) == 10_000)
        #expect(ConnectionAdmission.automaticLimit(descriptorLimit: 1_024) == 1_024 - 128)
        #expect(ConnectionAdmission.automaticLimit(descriptorLimit: 64) == 48)
        #expect(ConnectionAdmission.automaticLimit(descriptorLimit: 2) == 2)
    }
}
