import NIOCore
import NIOEmbedded
import Synchronization
import Testing
@testable import TallyHTTP2

/// The server connection on a test channel with a manual clock, against a real nghttp2 client in
/// memory: timers fire when the test moves time, never because a sleep was long enough.
@Suite(.timeLimit(.minutes(5))) struct ServerConnectionTests {
    static let request = [HTTP2HeaderField(":method", "POST"), HTTP2HeaderField(":scheme", "http"),
                          HTTP2HeaderField(":authority", "localhost"), HTTP2HeaderField(":path", "/test")]

    /// A responder whose behaviour each test sets: an immediate answer, or a task's.
    final class Responder: HTTP2Responder {
        let immediate: @Sendable (HTTP2Fields, [UInt8]) -> HTTP2PreparedResponse?
        let handler: @Sendable (HTTP2Request, HTTP2ResponseWriter) async -> Void
        let calls = Atomic<Int>(0)

        init(immediate: @escaping @Sendable (HTTP2Fields, [UInt8]) -> HTTP2PreparedResponse? = { _, _ in nil },
             handler: @escaping @Sendable (HTTP2Request, HTTP2ResponseWriter) async -> Void = { _, writer in
                 try? await writer.writeHead(status: 204, endStream: true)
             }) {
            self.immediate = immediate
            self.handler = handler
        }

        func immediateResponse(to head: HTTP2Fields, body: [UInt8]) -> HTTP2PreparedResponse? { immediate(head, body) }

        func respond(to request: HTTP2Request, with writer: HTTP2ResponseWriter) async {
            calls.add(1, ordering: .relaxed)
            await handler(request, writer)
        }
    }

    /// A connection, its serving task, and the client peer.
    final class Harness: @unchecked Sendable {
        let peer: ChannelPeer
        let serving: Task<Void, Never>

        init(configuration: HTTP2ServerConfiguration = HTTP2ServerConfiguration(), responder: Responder) async throws {
            let box = Mutex<HTTP2ServerConnection?>(nil)
            peer = try await ChannelPeer(peerRole: .client) { channel in
                let connection = try HTTP2ServerConnection.configure(channel, configuration: configuration, responder: responder)
                box.withLock { $0 = connection }
            }
            let connection = box.withLock { $0 }!
            serving = Task { await connection.serve() }
            self.connection = connection
            try await peer.exchange()  // SETTINGS both ways
        }

        let connection: HTTP2ServerConnection

        func request(endStream: Bool = true) throws -> Int32 {
            try peer.peer.submitRequest(headers: ServerConnectionTests.request, endStream: endStream)
        }

        func closed(_ streamID: Int32) -> UInt32? {
            for case .streamClosed(streamID, let code) in peer.peerEvents { return code }
            return nil
        }
    }

    @Test func aPreparedAnswerIsSentWithoutATask() async throws {
        let prepared = HTTP2PreparedResponse(status: 200, headers: [HTTP2HeaderField("content-type", "text/plain")],
                                             body: ByteBuffer(string: "answer"), trailers: [HTTP2HeaderField("x-done", "1")])
        let responder = Responder(immediate: { head, body in head[":path"] == "/test" && body == [1, 2, 3] ? prepared : nil })
        let harness = try await Harness(responder: responder)
        let stream = try harness.request(endStream: false)
        harness.peer.peer.writeBody(streamID: stream, [1, 2, 3])
        harness.peer.peer.finishBody(streamID: stream)
        try await harness.peer.exchange(until: { harness.closed(stream) != nil }, "the answer")
        #expect(harness.closed(stream) == 0)
        #expect(harness.peer.peerEvents.contains(.data(streamID: stream, bytes: Array("answer".utf8))))
        #expect(harness.peer.peerEvents.contains(.headers(streamID: stream, fields: HTTP2Fields([HTTP2HeaderField("x-done", "1")]), endStream: true)))
        #expect(responder.calls.load(ordering: .relaxed) == 0, "no task was asked")
    }

    @Test func anIdleConnectionGetsGoawayAtTheTimeoutAndNotBefore() async throws {
        var configuration = HTTP2ServerConfiguration()
        configuration.idleTimeout = .seconds(300)
        let harness = try await Harness(configuration: configuration, responder: Responder())
        let stream = try harness.request()
        try await harness.peer.exchange(until: { harness.closed(stream) != nil }, "the call")
        try await harness.peer.advance(by: .seconds(299))
        #expect(harness.peer.goaways().isEmpty && harness.peer.isOpen, "the timer counts from the last stream's end")
        try await harness.peer.advance(by: .seconds(1))
        #expect(harness.peer.goaways() == [stream])
        #expect(!harness.peer.isOpen)
    }

    @Test func keepaliveDropsAPeerThatStopsAnswering() async throws {
        var configuration = HTTP2ServerConfiguration()
        configuration.keepaliveInterval = .seconds(30)
        let responder = Responder(handler: { _, writer in await writer.closed() })  // a call that stays open
        let harness = try await Harness(configuration: configuration, responder: responder)
        _ = try harness.request()
        try await harness.peer.exchange(until: { responder.calls.load(ordering: .relaxed) == 1 }, "the call")
        for _ in 0..<5 { try await harness.peer.advance(by: .seconds(30)) }
        #expect(harness.peer.isOpen, "a peer that acknowledges PINGs stays")
        harness.peer.peerOutput = .drop
        try await harness.peer.advance(by: .seconds(30))
        try await harness.peer.advance(by: .seconds(30))
        #expect(harness.peer.isOpen, "two PINGs may go unanswered")
        try await harness.peer.advance(by: .seconds(30))
        #expect(!harness.peer.isOpen, "the third tick finds two unanswered and drops the peer")
        await harness.serving.value  // the call ended with its connection
    }

    /// RFC 9113 §6.8: GOAWAY with the largest id and a PING first; the final GOAWAY, naming the last
    /// stream, only once the client has acknowledged the PING; the open call finishes; then close.
    @Test func drainSendsTheFinalGoawayOnThePingAcknowledgement() async throws {
        let release = OneShotSignal()
        let responder = Responder(handler: { _, writer in
            await release.wait()
            try? await writer.writeHead(status: 204, endStream: true)
        })
        let harness = try await Harness(responder: responder)
        let stream = try harness.request()
        try await harness.peer.exchange(until: { responder.calls.load(ordering: .relaxed) == 1 }, "the call")
        harness.peer.peerOutput = .hold
        harness.connection.drain(grace: .seconds(20))
        try await harness.peer.exchange(until: { !harness.peer.goaways().isEmpty }, "the first GOAWAY")
        #expect(harness.peer.goaways() == [Int32.max], "without the PING's acknowledgement, no final GOAWAY")
        harness.peer.peerOutput = .deliver
        try await harness.peer.exchange(until: { harness.peer.goaways().count == 2 }, "the final GOAWAY")
        #expect(harness.peer.goaways() == [Int32.max, stream])
        #expect(harness.peer.isOpen, "the open call runs on")
        release.fire()
        try await harness.peer.exchange(until: { !harness.peer.isOpen }, "the close after the last call")
        // The responder's task may write the response and close in one go between the exchange and
        // the check above: the response's bytes are still to be moved to the peer.
        try await harness.peer.exchange()
        #expect(harness.closed(stream) == 0)
        await harness.serving.value
    }

    @Test func drainDeadlineResetsCallsStillOpen() async throws {
        let responder = Responder(handler: { _, writer in await writer.closed() })
        let harness = try await Harness(responder: responder)
        let stream = try harness.request()
        try await harness.peer.exchange(until: { responder.calls.load(ordering: .relaxed) == 1 }, "the call")
        harness.connection.drain(grace: .seconds(20))
        try await harness.peer.exchange(until: { harness.peer.goaways().count == 2 }, "both GOAWAYs")
        try await harness.peer.advance(by: .seconds(19))
        #expect(harness.closed(stream) == nil)
        try await harness.peer.advance(by: .seconds(1))
        #expect(harness.closed(stream) == HTTP2ErrorCode.cancel)
        #expect(!harness.peer.isOpen)
        await harness.serving.value
    }
}
