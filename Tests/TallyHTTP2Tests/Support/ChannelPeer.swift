import NIOCore
import NIOEmbedded
import TallyHTTP2

/// One side of a connection under test on an `NIOAsyncTestingChannel` (a manual clock, no
/// sockets), and a real nghttp2 session in memory as the other side. `exchange` moves bytes both
/// ways until neither side has anything left to say. `peerOutput` decides what becomes of the
/// peer's frames: delivered, held back (delivered once it is set to deliver again), or dropped
/// (a peer gone silent: its PING acknowledgements never arrive).
final class ChannelPeer: @unchecked Sendable {
    // @unchecked: used from the test's task only; the channel is thread-safe.
    let channel: NIOAsyncTestingChannel
    let peer: NGHTTP2Session
    private(set) var peerEvents: [HTTP2Event] = []
    enum Delivery { case deliver, hold, drop }
    var peerOutput = Delivery.deliver
    private var held: [UInt8] = []

    init(peerRole: NGHTTP2Session.Role, peerSettings: HTTP2Settings = .default, configure: @escaping @Sendable (NIOAsyncTestingChannel) throws -> Void) async throws {
        channel = NIOAsyncTestingChannel()
        peer = try NGHTTP2Session(role: peerRole, settings: peerSettings)
        let channel = channel
        try await channel.testingEventLoop.executeInContext { try configure(channel) }
        try await channel.connect(to: try SocketAddress(ipAddress: "127.0.0.1", port: 8080))
    }

    /// Moves bytes until neither side has more to send right now.
    func exchange() async throws {
        var rounds = 0
        while rounds < 1_000, try await moveOnce() { rounds += 1 }
    }

    /// Exchanges until `condition` holds, giving tasks woken by the channel (a responder, a
    /// caller) time to run; fails after `timeout`, so a broken expectation never hangs a test.
    func exchange(until condition: () -> Bool, timeout: Duration = .seconds(120), _ what: String = "condition") async throws {
        let deadline = ContinuousClock.now + timeout
        while true {
            try await exchange()
            if condition() {
                // What the channel wrote while the condition came true (a last frame, then the close).
                try await exchange()
                return
            }
            guard ContinuousClock.now < deadline else { throw PeerError.timedOut(what) }
            try await Task.sleep(for: .milliseconds(1))
        }
    }

    private func moveOnce() async throws -> Bool {
        var moved = false
        let fromPeer = try peer.takeOutput()
        switch peerOutput {
        case .deliver:
            let bytes = held + fromPeer
            held = []
            if !bytes.isEmpty && channel.isActive {
                moved = true
                try await channel.writeInbound(ByteBuffer(bytes: bytes))
            }
        case .hold: held += fromPeer
        case .drop: break
        }
        while let buffer = try await channel.readOutbound(as: ByteBuffer.self) {
            moved = true
            try buffer.withUnsafeReadableBytes { try peer.receive($0) }
        }
        peerEvents += peer.takeEvents()
        return moved
    }

    enum PeerError: Error { case timedOut(String) }

    /// Moves time on, runs what fell due, and exchanges what that produced.
    func advance(by amount: TimeAmount) async throws {
        await channel.testingEventLoop.advanceTime(by: amount)
        try await exchange()
    }

    var isOpen: Bool { channel.isActive }

    func takePeerEvents() -> [HTTP2Event] {
        defer { peerEvents = [] }
        return peerEvents
    }

    func goaways() -> [Int32] {
        peerEvents.compactMap { if case .goaway(let last, _) = $0 { last } else { nil } }
    }
}
