import Foundation
import Testing
import TallyCodec
import TallyTestSupport

/// SIGTERM while a slow call is running: the call completes, new calls are refused in ways a
/// client may retry, long-lived streams end with a retryable status, and tallyd exits 0.
@Suite(.serialized, .enabled(if: H2Peer.enabled && PeerTools.enabled("curl"), "needs curl and TALLY_PYTHON"))
struct GracefulShutdownTests {
    @Test func sigtermDrainsAndExitsZero() async throws {
        // A dataset big enough that the snapshot outlasts the signal even from the server's side:
        // curl's HTTP/2 window is huge, so only the loopback socket buffers (a few MB) hold the
        // server back. 100,000 figures are about 16 MB.
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("drain-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let database = directory.appendingPathComponent("tally.sqlite").path
        let seed = try runProcess(TallydProcess.productsDirectory.appendingPathComponent("TallyStoreCrashHelper").path, [database, "100000"])
        #expect(seed.status == 0, "\(seed.stderr)")
        let server = try TallydProcess(arguments: ["--grace-period-seconds", "30"], database: database)
        let port = server.port

        // A watch stream, and then a second call on the same connection after it.
        let watch = Task.detached { () throws -> (results: [PeerResponse], goaway: Int?) in
            let (results, summary) = try H2Peer(port: port).sequence([
                .init(path: "/tally.v1.Tally/Watch", body: EnvelopeFramer().frame(WatchRequest())),
                .init(path: "/tally.v1.Tally/Health"),
            ])
            return (results, summary["goaway_code"] as? Int)
        }
        // The slow call: the snapshot, read at 1 MB/s by curl.
        let snapshotFile = directory.appendingPathComponent("snapshot").path
        let requestFile = directory.appendingPathComponent("request").path
        try Data(EnvelopeFramer().frame(SnapshotRequest())).write(to: URL(fileURLWithPath: requestFile))
        let curl = Process()
        curl.executableURL = URL(fileURLWithPath: try #require(PeerTools.path("curl")))
        curl.arguments = ["-sS", "--http2-prior-knowledge", "--limit-rate", "2M", "--max-time", "60", "-X", "POST",
                          "-H", "content-type: application/tally+proto", "--data-binary", "@\(requestFile)",
                          "-o", snapshotFile, "http://127.0.0.1:\(port)/tally.v1.Tally/Snapshot"]
        try curl.run()
        try await Task.sleep(for: .seconds(1))
        #expect(curl.isRunning, "the snapshot finished before the signal; the test needs a slower call")

        kill(server.process.processIdentifier, SIGTERM)
        try await Task.sleep(for: .milliseconds(300))
        // A new connection is refused outright: nothing was sent, so any client may retry it.
        let refused = try H2Peer(port: port).call("/tally.v1.Tally/Health")
        #expect(refused.status == nil)
        #expect((refused.raw["error"] as? String)?.contains("ConnectionRefused") == true, "\(refused.raw)")

        curl.waitUntilExit()
        #expect(curl.terminationStatus == 0)
        let exitStatus = server.stop(signal: 0, timeout: 40)
        #expect(exitStatus == 0, "tallyd log:\n\(server.log)")

        // The slow call completed in full, ending with OK.
        var deframer = EnvelopeDeframer()
        deframer.append([UInt8](try Data(contentsOf: URL(fileURLWithPath: snapshotFile))))
        var envelopes: [Envelope] = []
        while let envelope = try deframer.next() { envelopes.append(envelope) }
        let header = try SnapshotHeader(wireBytes: try #require(envelopes.first).payload)
        #expect(Int(header.figureCount) == envelopes.count - 2)
        #expect(header.figureCount > 100_000)
        #expect(try Status(wireBytes: try #require(envelopes.last).payload) == .ok)

        // The watch ended with `unavailable` (retryable), and the connection took no new call.
        let (results, goaway) = try await watch.value
        #expect(results.first?.status == 200)
        #expect(results.first?.callStatus?.code == .unavailable)
        // A call started on that connection after the GOAWAY was not processed (refused or reset).
        #expect(results.count == 1 || results.last?.status != 200, "\(results.last?.raw ?? [:])")
        #expect(goaway == 0)
    }
}
