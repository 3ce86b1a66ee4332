import Foundation
import Testing
import TallyClient
import TallyCodec
import TallyTestSupport

/// Nothing blocking runs on an event loop: while one connection publishes a large batch (SQLite
/// with a FULL fsync, a digest over every figure, the cache rebuilt), another connection's PINGs
/// and Health calls are answered promptly. tallyd runs with a single event loop here, so every
/// connection shares the publisher's loop: a store call made on it would stall them all for the
/// whole publish (it did, before store calls became async on GRDB's own threads).
@Suite(.serialized, .timeLimit(.minutes(3)), .enabled(if: H2Peer.enabled, "needs TALLY_PYTHON (make test sets it)"))
struct EventLoopIsolationTests {
    /// The slowest answer allowed while the publish runs. A stalled loop shows the publish's whole
    /// duration (required below to be at least four times this); scheduling noise on a loaded
    /// two-core machine stays in the tens of milliseconds.
    static let bound = 0.5
    static let figures = 30_000

    /// What the peer's latency probe saw.
    struct Probe: Sendable, CustomStringConvertible {
        var pings = 0, calls = 0, failures = -1
        var slowestPing: Double?, slowestCall: Double?

        init(_ out: [String: Any]) {
            let pings = out["pings"] as? [String: Any], calls = out["calls"] as? [String: Any]
            self.pings = pings?["count"] as? Int ?? 0
            self.calls = calls?["count"] as? Int ?? 0
            slowestPing = pings?["max_ms"] as? Double
            slowestCall = calls?["max_ms"] as? Double
            failures = out["failures"] as? Int ?? -1
        }

        var description: String { "\(pings) PINGs (slowest \(slowestPing ?? -1) ms), \(calls) calls (slowest \(slowestCall ?? -1) ms), \(failures) failures" }
    }

    @Test func aLargePublishDoesNotStallOtherConnections() async throws {
        let token = "isolation-token"
        let tokenFile = FileManager.default.temporaryDirectory.appendingPathComponent("token-\(UUID().uuidString)").path
        try Data(token.utf8).write(to: URL(fileURLWithPath: tokenFile))
        defer { try? FileManager.default.removeItem(atPath: tokenFile) }
        let server = try TallydProcess(arguments: ["--publish-token-file", tokenFile, "--event-loop-threads", "1", "--log-level", "warning"],
                                       environment: ["TALLY_MAX_MESSAGE_BYTES": String(256 << 20)])
        defer { server.stop() }

        var request = PublishRequest()
        request.figures = SyntheticFigures.make(count: Self.figures, prefix: "bulk")
        var configuration = TallyClient.Configuration(server: ServerAddress(secure: false, host: "127.0.0.1", port: server.port))
        configuration.timeout = .seconds(120)
        let client = try TallyClient(configuration: configuration)
        _ = try await client.health()

        let port = server.port
        let probe = Task { () throws -> Probe in
            try await onOwnThread { Probe(try H2Peer(port: port).scenario("latency-probe", ["seconds": "5", "interval": "0.02"], deadline: 40)) }
        }
        let started = ContinuousClock.now
        let published = try await client.publish(request, token: token)
        let took = ContinuousClock.now - started
        let out = try await probe.value
        await client.shutdown()

        #expect(published.upserted == UInt32(Self.figures))
        let seconds = Double(took.components.seconds) + Double(took.components.attoseconds) / 1e18
        try #require(seconds >= 4 * Self.bound, "the publish took only \(seconds) s: too short to show a stall; publish more figures")
        #expect(out.failures == 0, "\(out)")
        #expect(out.pings > 10 && out.calls > 10, "\(out)")
        let slowestPing = try #require(out.slowestPing), slowestCall = try #require(out.slowestCall)
        #expect(slowestPing < Self.bound * 1000, "a PING waited \(slowestPing) ms during a \(seconds) s publish")
        #expect(slowestCall < Self.bound * 1000, "a Health call waited \(slowestCall) ms during a \(seconds) s publish")
        print("publish of \(Self.figures) figures: \(seconds) s; slowest PING \(slowestPing) ms, slowest Health \(slowestCall) ms")
    }
}
