import NIOCore
import Synchronization
import Testing
@testable import TallyHTTP2

/// A client call is a scope: leaving it by return, throw or cancellation resets a stream that is
/// still open and gives back whatever it received that nobody read. Against a real nghttp2 server
/// session in memory, on a test channel.
@Suite(.timeLimit(.minutes(5))) struct ClientConnectionTests {
    static let request = [HTTP2HeaderField(":method", "POST"), HTTP2HeaderField(":scheme", "http"),
                          HTTP2HeaderField(":authority", "localhost"), HTTP2HeaderField(":path", "/test")]

    final class Harness: @unchecked Sendable {
        let peer: ChannelPeer
        let connection: HTTP2ClientConnection

        init() async throws {
            let box = Mutex<HTTP2ClientConnection?>(nil)
            peer = try await ChannelPeer(peerRole: .server) { channel in
                let connection = try HTTP2ClientConnection.configure(channel)
                box.withLock { $0 = connection }
            }
            connection = box.withLock { $0 }!
            try await peer.exchange()
        }

        var server: NGHTTP2Session { peer.peer }

        /// The streams the server has seen requests on, in order.
        var requests: [Int32] {
            peer.peerEvents.compactMap { if case .headers(let id, _, _) = $0 { id } else { nil } }
        }

        func closeCode(_ streamID: Int32) -> UInt32? {
            for case .streamClosed(streamID, let code) in peer.peerEvents { return code }
            return nil
        }

        /// Waits for the `count`-th request, answers its head, and queues `body` bytes (no end).
        func answer(request count: Int, body: Int) async throws -> Int32 {
            try await peer.exchange(until: { self.requests.count >= count }, "request \(count)")
            let stream = requests[count - 1]
            try server.submitResponse(streamID: stream, headers: [HTTP2HeaderField(":status", "200")])
            if body > 0 { server.writeBody(streamID: stream, [UInt8](repeating: 0x62, count: body)) }
            return stream
        }
    }

    /// Twenty calls that each receive a whole stream window (256 KiB) and read one chunk of it:
    /// 5 MiB through a 4 MiB connection window, possible only if every abandoned call gives back
    /// what it held.
    @Test func anAbandonedCallGivesBackItsUnreadBytes() async throws {
        let harness = try await Harness()
        let window = Int(HTTP2Settings.default.initialWindowSize)
        for call in 1...20 {
            let received = OneShotSignal()
            let task = Task {
                try await harness.connection.withRequest(headers: Self.request, body: nil) { response in
                    for try await _ in response.body { break }
                    await received.wait()
                    return response.status
                }
            }
            let stream = try await harness.answer(request: call, body: window)
            try await harness.peer.exchange(until: { harness.server.bufferedBodyBytes(streamID: stream) == 0 }, "call \(call)'s body sent")
            received.fire()
            #expect(try await task.value == 200)
            try await harness.peer.exchange(until: { harness.closeCode(stream) != nil }, "call \(call) reset")
            #expect(harness.closeCode(stream) == HTTP2ErrorCode.cancel)
        }
        #expect(harness.server.remoteConnectionWindow >= 2 << 20)
    }

    @Test func cancellingTheCallerResetsTheStream() async throws {
        let harness = try await Harness()
        let waitingForHead = Task { try await harness.connection.withRequest(headers: Self.request, body: nil) { $0.status } }
        try await harness.peer.exchange(until: { harness.requests.count == 1 }, "the first request")
        waitingForHead.cancel()
        await #expect(throws: CancellationError.self) { try await waitingForHead.value }
        try await harness.peer.exchange(until: { harness.closeCode(harness.requests[0]) != nil }, "the reset")
        #expect(harness.closeCode(harness.requests[0]) == HTTP2ErrorCode.cancel)

        let readingBody = Task {
            try await harness.connection.withRequest(headers: Self.request, body: nil) { response in
                for try await _ in response.body {}
            }
        }
        let stream = try await harness.answer(request: 2, body: 10)
        try await harness.peer.exchange(until: { harness.server.bufferedBodyBytes(streamID: stream) == 0 }, "the body sent")
        readingBody.cancel()
        await #expect(throws: CancellationError.self) { try await readingBody.value }
        try await harness.peer.exchange(until: { harness.closeCode(stream) != nil }, "the second reset")
        #expect(harness.closeCode(stream) == HTTP2ErrorCode.cancel)
    }

    struct HandlerFailed: Error {}

    @Test func aThrowingHandlerResetsTheStream() async throws {
        let harness = try await Harness()
        let done = Atomic(false)
        let task = Task {
            defer { done.store(true, ordering: .relaxed) }
            try await harness.connection.withRequest(headers: Self.request, body: nil) { _ in throw HandlerFailed() }
        }
        let stream = try await harness.answer(request: 1, body: 100)
        try await harness.peer.exchange(until: { done.load(ordering: .relaxed) }, "the call's end")
        await #expect(throws: HandlerFailed.self) { try await task.value }
        try await harness.peer.exchange(until: { harness.closeCode(stream) != nil }, "the reset")
        #expect(harness.closeCode(stream) == HTTP2ErrorCode.cancel)
        #expect(harness.connection.isUsable, "one failed call leaves the connection to the others")
    }
}
