import Foundation
import Testing
import TallyCodec
import TallyTestSupport

/// SIGTERM while a slow call is running: the call completes, new calls are refused in ways a
/// client may retry, long-lived streams end with a retryable status, and tallyd exits 0.
@Suite(.serialized, .timeLimit(.minutes(3)), .enabled(if: H2Peer.enabled, "needs TALLY_PYTHON"))
struct GracefulShutdownTests {
    @Test func sigtermDrainsAndExitsZero() async throws {
        // 30,000 figures: a snapshot of about 5 MB, which the slow reader below takes seconds over.
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("drain-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let database = directory.appendingPathComponent("tally.sqlite").path
        let seed = try runProcess(TallydProcess.productsDirectory.appendingPathComponent("TallyStoreCrashHelper").path, [database, "30000"])
        #expect(seed.status == 0, "\(seed.stderr)")
        let server = try TallydProcess(arguments: ["--grace-period-seconds", "30"], database: database)
        let port = server.port

        // A watch stream, and then a second call on the same connection after it. The peer waits
        // for the watch far longer than this test can take, so only tallyd's drain ends it (with
        // the peer's default 10 s, a CI run whose signal came 10 s after the watch started saw the
        // watch cut short by the peer and the next call answered before the signal).
        let watch = ThreadTask { () throws -> (results: [PeerResponse], goaway: Int?) in
            let (results, summary) = try H2Peer(port: port).sequence([
                .init(path: "/tally.v1.Tally/Watch", body: EnvelopeFramer().frame(WatchRequest())),
                .init(path: "/tally.v1.Tally/Sources", body: EnvelopeFramer().frame(SourcesRequest())),
            ], timeout: 150, deadline: 170)
            return (results, summary["goaway_code"] as? Int)
        }
        // The slow call: the snapshot, read at 1.5 MB/s by the h2 peer, which acknowledges only what
        // it has read, so the server is held to one flow-control window ahead: slow on its side.
        // (curl --limit-rate was tried first: curl 7.88 reports success but drops the last DATA of
        // a paused transfer when the server closes after GOAWAY; it never saw END_STREAM.)
        let slow = ThreadTask { () throws -> PeerResponse in
            try H2Peer(port: port).call("/tally.v1.Tally/Snapshot", body: EnvelopeFramer().frame(SnapshotRequest(schemaVersion: DatasetSchema.current)),
                                        readRate: 1_500_000, timeout: 60, deadline: 90)
        }
        // Both calls must be in flight before the signal. The peers run on threads of their own,
        // started at once (run on the cooperative pool, they once started only after the signal in
        // a loaded full run, and a peer that connects after the listener closed may reach another
        // test's tallyd that has been given this port since; started from a Task, they started too
        // late for the watch's 10 s to overlap the snapshot in full runs on a busy machine).
        // tallyd's own count of open streams says when they are there: the watch, the snapshot,
        // and the /metrics request asking. The polling, the signal and the call after it run on a
        // thread of their own too: on the cooperative pool, polls were seconds apart in loaded full
        // runs, and the snapshot was over before one saw it.
        let curl = try #require(PeerTools.path("curl"), "curl is not installed")
        let pid = server.process.processIdentifier
        let (open, refused) = try await onOwnThread { () throws -> (Int, PeerResponse) in
            let waitUntil = ContinuousClock.now + .seconds(30)
            var open = 0
            while open < 3 && ContinuousClock.now < waitUntil {
                let metrics = try runProcess(curl, ["-s", "--max-time", "5", "--http2-prior-knowledge", "http://127.0.0.1:\(port)/metrics"])
                open = metrics.stdout.split(separator: "\n").first { $0.hasPrefix("tally_open_streams ") }
                    .flatMap { Double($0.split(separator: " ").last ?? "") }.map { Int($0) } ?? 0
                if open < 3 { usleep(50_000) }
            }
            usleep(300_000)
            kill(pid, SIGTERM)
            // The listener closes once tallyd has taken the signal: wait for that (a fixed sleep
            // here would be a bet on a loaded machine's scheduling), at most 10 s.
            let closedBy = ContinuousClock.now + .seconds(10)
            while loopbackAccepts(port: port) && ContinuousClock.now < closedBy { usleep(20_000) }
            // A new connection is refused outright: nothing was sent, so any client may retry it.
            return (open, try H2Peer(port: port).call("/tally.v1.Tally/Health"))
        }
        #expect(open >= 3, "the watch and the snapshot did not both start; tallyd's log:\n\(server.log)")
        #expect(refused.status == nil)
        #expect((refused.raw["error"] as? String)?.contains("ConnectionRefused") == true, "\(refused.raw)")

        let snapshot = try await slow.value
        let exitStatus = server.stop(signal: 0, timeout: 40)
        #expect(exitStatus == 0, "tallyd log:\n\(server.log)")

        // The slow call completed in full, ending with OK, and it was still running at the signal.
        #expect(snapshot.status == 200)
        #expect((snapshot.raw["elapsed_ms"] as? Double ?? 0) > 2_000)
        let envelopes = snapshot.envelopes
        let header = try SnapshotHeader(wireBytes: try #require(envelopes.first).payload)
        let figures = try envelopes.dropFirst().dropLast().reduce(0) { $0 + (try FigureBatch(wireBytes: $1.payload).encodings.count) }
        #expect(Int(header.figureCount) == figures)
        #expect(header.figureCount > 30_000)
        #expect(snapshot.callStatus == .ok)
        #expect(snapshot.trailer("tally-status") == "0")

        // The watch ended with `unavailable` (retryable), and the connection took no new call.
        let (results, goaway) = try await watch.value
        #expect(results.first?.status == 200)
        #expect(results.first?.callStatus?.code == .unavailable)
        // A call started on that connection during the drain was refused in a way a client may
        // retry: `unavailable` if it arrived before the final GOAWAY, not processed at all after it.
        if results.count == 2 {
            let refused = results[1].callStatus?.code == .unavailable || results[1].status == nil || results[1].resetCode == 7
            #expect(refused, "\(results[1].raw)")
        }
        #expect(goaway == 0)
    }
}

/// Whether a TCP connection to 127.0.0.1:`port` is accepted (closed again at once, nothing sent).
private func loopbackAccepts(port: Int) -> Bool {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { return false }
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    return withUnsafePointer(to: &address) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
    }
}
