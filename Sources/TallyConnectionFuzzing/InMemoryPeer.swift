import TallyFuzzing
import NIOCore
import NIOEmbedded

/// The fuzzer's side of one connection under test, on an `NIOAsyncTestingChannel`: no sockets,
/// a manual clock (so idle and keepalive timers never fire on their own), bytes in and out by hand.
struct InMemoryPeer {
    let channel = NIOAsyncTestingChannel()
    static let address = try! SocketAddress(ipAddress: "127.0.0.1", port: 40_000)

    /// Installs the connection under test (on the channel's loop, as an initializer would), then
    /// connects, which makes it active.
    func start<T: Sendable>(_ configure: @escaping @Sendable (NIOAsyncTestingChannel) throws -> T) async throws -> T {
        let channel = channel
        let made = try await channel.testingEventLoop.executeInContext { try configure(channel) }
        try await channel.connect(to: Self.address)
        return made
    }

    /// Delivers bytes as one read; nothing once the connection under test has closed.
    func send(_ bytes: ArraySlice<UInt8>) async {
        guard !bytes.isEmpty, channel.isActive else { return }
        _ = try? await channel.writeInbound(ByteBuffer(bytes: bytes))
    }

    /// What the connection under test wrote since last asked, as one array.
    func received() async -> [UInt8] {
        var bytes: [UInt8] = []
        while let buffer = try? await channel.readOutbound(as: ByteBuffer.self) {
            bytes += buffer.readableBytesView
        }
        return bytes
    }

    /// Lets tasks woken by the connection run until `settled` says they are done and the
    /// connection is quiet, or until it has been quiet for `quietRounds` rounds of the loop
    /// (about half a millisecond: a call still waiting then waits for bytes that will never come),
    /// or `limit` has passed (a Watch's heartbeats keep it from ever being quiet). Whatever the
    /// connection writes meanwhile is read and handed to `written` (dropped by default, as by a
    /// fast peer).
    func settle(limit: Duration, quietRounds maximum: Int = 8, _ settled: () -> Bool,
                written: ([UInt8]) async -> Void = { _ in }) async {
        let deadline = ContinuousClock.now + limit
        var quietRounds = 0
        while channel.isActive, ContinuousClock.now < deadline, quietRounds < maximum {
            let bytes = await received()
            if !bytes.isEmpty { await written(bytes) }
            quietRounds = bytes.isEmpty ? quietRounds + 1 : 0
            if settled() && quietRounds >= 2 { return }
            await Task.yield()
            if quietRounds > 2 { try? await Task.sleep(for: .microseconds(50)) }
        }
    }

    /// Closes the connection under test, as a peer that went away; its calls then end.
    func close() async {
        _ = try? await channel.close()
        _ = await received()
    }
}
