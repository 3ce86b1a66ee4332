import NIOCore
import NIOEmbedded
import Synchronization
import Testing
@testable import TallyHTTP2

/// A refused connection, against a real nghttp2 client in memory: the client learns from a GOAWAY
/// naming stream 0 that nothing it sent was served, no request reaches the application, and the
/// connection closes by itself.
@Suite(.timeLimit(.minutes(1))) struct HTTP2RefusalTests {
    @Test func aRefusedConnectionGetsGoawayForStreamZeroAndServesNothing() async throws {
        let responder = ServerConnectionTests.Responder()
        let box = Mutex<HTTP2ServerConnection?>(nil)
        let peer = try await ChannelPeer(peerRole: .client) { channel in
            let connection = try HTTP2ServerConnection.configure(channel, configuration: HTTP2ServerConfiguration(), responder: responder,
                                                                 refusal: HTTP2Refusal(message: "too many connections"))
            box.withLock { $0 = connection }
        }
        let connection = try #require(box.withLock { $0 })
        let serving = Task { await connection.serve() }
        // The client sends its first request with its preface, as clients do.
        let stream = try peer.peer.submitRequest(headers: ServerConnectionTests.request, endStream: true)
        try await peer.exchange(until: { !peer.goaways().isEmpty }, "the GOAWAY")
        #expect(peer.peerEvents.contains(.goaway(lastStreamID: 0, errorCode: HTTP2ErrorCode.enhanceYourCalm)))
        #expect(stream > 0)
        // Lingering: closed at the latest by the close cap, whatever the client does.
        try await peer.advance(by: .seconds(30))
        #expect(!peer.isOpen)
        await serving.value
        #expect(responder.calls.load(ordering: .relaxed) == 0, "a refused connection served a request")
        #expect(!peer.peerEvents.contains { if case .headers = $0 { true } else { false } }, "a response was sent")
    }
}
