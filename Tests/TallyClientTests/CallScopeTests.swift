import Foundation
import Testing
import TallyClient
import TallyCodec
import TallyTestSupport

/// A call is a scope on the wire too: a handler that throws, or a caller that is cancelled, ends
/// the call's stream at tallyd at once, while the connection goes on serving the client's other calls.
@Suite(.serialized, .timeLimit(.minutes(2)), .enabled(if: PeerTools.enabled("curl"), "needs curl"))
struct CallScopeTests {
    struct Stop: Error {}

    static func client(_ server: TallydProcess) throws -> TallyClient {
        try TallyClient(configuration: TallyClient.Configuration(server: ServerAddress(secure: false, host: "127.0.0.1", port: server.port)))
    }

    /// Waits until tallyd counts exactly `count` open streams (the /metrics request itself is one).
    static func expectOpenStreams(_ server: TallydProcess, _ count: Double) async throws {
        let deadline = ContinuousClock.now + .seconds(20)
        var open = try await server.metric("tally_open_streams")
        while open != count && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(50))
            open = try await server.metric("tally_open_streams")
        }
        #expect(open == count, "tallyd counts \(open.map { "\($0)" } ?? "no") open streams")
    }

    @Test func aThrowingHandlerEndsTheStreamAtTheServer() async throws {
        let server = try TallydProcess()
        defer { server.stop() }
        let client = try Self.client(server)
        await #expect(throws: Stop.self) {
            try await client.watch(since: 1) { _ in throw Stop() }
        }
        try await Self.expectOpenStreams(server, 1)
        #expect(try await client.health().status == .serving, "the connection still serves")
        await client.shutdown()
    }

    @Test func aCancelledCallerEndsTheStreamAtTheServer() async throws {
        let server = try TallydProcess()
        defer { server.stop() }
        let client = try Self.client(server)
        let watching = Task { try await client.watch(since: 1) { _ in } }
        try await Self.expectOpenStreams(server, 2)
        watching.cancel()
        _ = try? await watching.value
        try await Self.expectOpenStreams(server, 1)
        #expect(try await client.health().status == .serving)
        await client.shutdown()
    }
}
