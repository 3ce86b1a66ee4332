public import TallyFuzzing
import NIOCore
import TallyCodec
@_spi(Fuzzing) import TallyClient
import TallyHTTP2

/// The client fed arbitrary server bytes: nghttp2's client session, the connection handler, the
/// response body and trailers, the envelope deframer with the response's inflater (compression
/// bombs), the status and the response decoders of `TallyClient`, on an in-memory channel.
///
/// Input layout: byte 0 picks the call (`Call`); byte 1 where the server bytes are split into
/// two reads; the rest is what the server sends, from its SETTINGS on, once the client has sent
/// its request (stream 1). The call ends however it ends; it must not crash, hang past the
/// bound, or leak.
public enum ClientFuzzing: FuzzEntry {
    public static let name = "client"

    /// The calls of `TallyClient`, in the order byte 0 picks them.
    public enum Call: UInt8, CaseIterable, Sendable {
        case totals, figures, sources, consistency, health, changes, snapshot, watch, publish

        func perform(on client: TallyClient) async throws {
            switch self {
            case .totals: _ = try await client.totals(TotalsRequest(jurisdiction: "RU", measure: "cases_received_by_courts"))
            case .figures: _ = try await client.figures(FiguresRequest())
            case .sources: _ = try await client.sources()
            case .consistency: _ = try await client.consistency()
            case .health: _ = try await client.health()
            case .changes: _ = try await client.changes(since: 1)
            case .snapshot: try await client.snapshot { _ in }
            case .watch: try await client.watch(since: 1) { _ in }
            case .publish: _ = try await client.publish(PublishRequest(), token: "fuzz-token")
            }
        }
    }

    /// No retries (a retry would wait and find the same connection), no keepalive timer, a 1 MiB
    /// message limit (bombs are refused at that size as at any other).
    static let configuration: TallyClient.Configuration = {
        var configuration = TallyClient.Configuration(server: ServerAddress(secure: false, host: "localhost", port: 8080))
        configuration.retries = 0
        configuration.keepaliveInterval = nil
        configuration.maxMessageSize = 1 << 20
        return configuration
    }()

    public static func run(_ input: [UInt8]) -> FuzzFinding? {
        runBlocking { await call(input) }
    }

    /// The async form, for callers already on a task (the replay tests).
    public static func call(_ input: [UInt8]) async -> FuzzFinding? {
        guard input.count >= 2 else { return nil }
        let call = Call.allCases[Int(input[0]) % Call.allCases.count]
        let serverBytes = input[2...]
        let split = serverBytes.startIndex + Int(input[1]) % (serverBytes.count + 1)

        let peer = InMemoryPeer()
        let connection: HTTP2ClientConnection
        do {
            connection = try await peer.start { channel in try HTTP2ClientConnection.configure(channel) }
        } catch {
            return FuzzFinding(name, "the connection could not be set up: \(error)")
        }
        let client = TallyClient(configuration: configuration, connection: connection)
        let ended = SharedFlag()
        let calling = Task {
            defer { ended.set() }
            try await call.perform(on: client)
        }
        // The server's bytes answer stream 1: they are sent once the client has sent its request.
        var sent: [UInt8] = []
        let deadline = ContinuousClock.now + .milliseconds(50)
        while !ClientOutput.containsHeaders(sent), !ended.isSet, ContinuousClock.now < deadline {
            sent += await peer.received()
            await Task.yield()
        }
        await peer.send(serverBytes[..<split])
        await peer.send(serverBytes[split...])
        await peer.settle(limit: .milliseconds(5)) { ended.isSet }
        await peer.close()
        _ = await calling.result
        return nil
    }
}

/// Frames in what a client sent: its preface, then frames.
enum ClientOutput {
    static let prefaceSize = 24

    /// Whether a HEADERS frame is among the whole frames of `bytes`.
    static func containsHeaders(_ bytes: [UInt8]) -> Bool {
        var offset = prefaceSize
        while offset + 9 <= bytes.count {
            let length = Int(bytes[offset]) << 16 | Int(bytes[offset + 1]) << 8 | Int(bytes[offset + 2])
            if bytes[offset + 3] == 0x1 { return true }
            offset += 9 + length
        }
        return false
    }
}
