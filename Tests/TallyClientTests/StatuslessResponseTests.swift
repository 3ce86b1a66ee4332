import Foundation
import Synchronization
import Testing
import TallyClient
import TallyCodec
import TallyTestSupport

/// A response whose stream ends with neither the end-of-stream status nor trailers: what HAProxy
/// 2.6 sends a client when the replica under its stream is killed (`old_server.py --statusless`
/// answers every call so). The call counts as cut short, as a lost connection does: a watch
/// resumes (before, it ended with a protocol error and `tally watch` exited), an idempotent call
/// is retried.
@Suite(.serialized, .timeLimit(.minutes(4)), .enabled(if: Peers.pythonTestsEnabled, "needs TALLY_PYTHON"))
struct StatuslessResponseTests {
    @Test func aWatchResumesAfterAStreamEndedWithoutItsStatus() async throws {
        let server = try PythonServer(script: "old_server.py", arguments: ["--statusless"])
        defer { server.stop() }
        var configuration = TallyClient.Configuration(server: ServerAddress(secure: false, host: "127.0.0.1", port: server.port))
        configuration.retries = 0
        let client = try TallyClient(configuration: configuration)
        let interruptions = Mutex<[String]>([])
        let watching = Task {
            try await client.resumingWatch(since: 1, maxDelay: .milliseconds(50), onInterruption: { interruption in
                interruptions.withLock { $0.append("\(interruption.error)") }
            }) { _ in }
        }
        // A bound far past what it needs (about a second alone), for a loaded full run.
        let deadline = ContinuousClock.now + .seconds(90)
        while interruptions.withLock({ $0.count }) < 2, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        watching.cancel()
        _ = await watching.result
        let seen = interruptions.withLock { $0 }
        #expect(seen.count >= 2, "the watch resumed after each cut: \(seen)")
        #expect(seen.first?.contains("ended without its end-of-stream status") == true, "\(seen)")
        #expect(server.reports.filter { $0.hasSuffix("/Watch") }.count >= 2)

        // A unary call, idempotent: retried once (retries 1), then reported as cut short.
        var retrying = TallyClient.Configuration(server: ServerAddress(secure: false, host: "127.0.0.1", port: server.port))
        retrying.retries = 1
        let unary = try TallyClient(configuration: retrying)
        let before = server.reports.filter { $0.hasSuffix("/Health") }.count
        await #expect {
            _ = try await unary.health()
        } throws: { error in
            guard case .connectionLost = error as? TallyClientError else { return false }
            return true
        }
        #expect(server.reports.filter { $0.hasSuffix("/Health") }.count - before == 2)
        await client.shutdown()
        await unary.shutdown()
    }
}
