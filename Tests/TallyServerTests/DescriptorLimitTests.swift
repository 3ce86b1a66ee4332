import Foundation
import Testing
import TallyTestSupport

/// tallyd with few descriptors (`ulimit -n` low, connection limit out of the way): when accept(2)
/// fails with EMFILE, the connections it has are served on, it does not spin (`AcceptPause`: NIO's
/// own AcceptBackoffHandler, which the async ServerBootstrap installs, did not stop the spin: 1.7 s
/// of CPU in these 3 s), and it accepts the connections that waited once descriptors are free.
@Suite(.serialized, .timeLimit(.minutes(3)), .enabled(if: LimitsPeer.enabled, "needs TALLY_PYTHON"))
struct DescriptorLimitTests {
    static let descriptorLimit = 64

    @Test func atTheDescriptorLimitTallydServesWhatItHasAndDoesNotSpin() async throws {
        let launcher = ["/bin/bash", "-c", "ulimit -n \(Self.descriptorLimit) && exec \"$@\"", "ulimit"]
        let tallyd = try TallydProcess(arguments: ["--max-connections", "10000"], launcher: launcher)
        defer { tallyd.stop() }
        let result = try await LimitsPeer.run("descriptor-exhaustion", port: tallyd.port, Int(tallyd.process.processIdentifier))
        let served = try #require(result["served"] as? Int, "\(result)")
        #expect(served > 10, "\(result)")
        #expect((result["descriptors"] as? Int ?? 0) >= Self.descriptorLimit - 2, "the connection not served was not for want of descriptors: \(result)")
        #expect((result["cpu_seconds_in_3s"] as? Double ?? 99) < 0.3, "tallyd spins while it cannot accept: \(result)")
        #expect(result["waiting_answered_while_exhausted"] as? Int == 0, "\(result)")
        #expect(result["held_call_ok"] as? Bool == true, "a connection it had was not served: \(result)")
        #expect(result["waiting_answered_after_release"] as? Int == 6, "the waiting connections were not accepted: \(result)\n\(tallyd.log)")
        #expect((result["seconds_to_answer_after_release"] as? Double ?? 99) < 5, "\(result)")
        #expect((result["accept_pauses"] as? Double ?? 0) >= 1, "\(result)")
        #expect(tallyd.log.contains("cannot accept connections: accepting again every") && tallyd.log.contains("accepting connections again"), "\(tallyd.log)")
        #expect(tallyd.process.isRunning)
    }
}
