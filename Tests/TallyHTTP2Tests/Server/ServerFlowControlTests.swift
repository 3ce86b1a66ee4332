import NIOCore
import Synchronization
import Testing
@testable import TallyHTTP2

/// Flow control on the server side, with the manual window: a client sends only what the
/// application reads (plus one window), and bytes nobody will read are given back at once.
@Suite(.timeLimit(.minutes(5))) struct ServerFlowControlTests {
    typealias Harness = ServerConnectionTests.Harness
    typealias Responder = ServerConnectionTests.Responder

    /// Sends `size` body bytes on a new stream, as flow control lets the client.
    static func upload(_ harness: Harness, size: Int) throws -> Int32 {
        let stream = try harness.request(endStream: false)
        harness.peer.peer.writeBody(streamID: stream, [UInt8](repeating: 0x61, count: size))
        harness.peer.peer.finishBody(streamID: stream)
        return stream
    }

    @Test func aReaderThatStopsHoldsTheClientAtOneWindow() async throws {
        let read = Atomic<Int>(0)
        let responder = Responder(handler: { request, writer in
            do {
                for try await chunk in request.body {
                    if read.add(chunk.count, ordering: .relaxed).newValue >= 100_000 { break }
                }
            } catch {}
            await writer.closed()
        })
        let harness = try await Harness(responder: responder)
        let stream = try Self.upload(harness, size: 1 << 20)
        try await harness.peer.exchange(until: { read.load(ordering: .relaxed) >= 100_000 }, "100 kB read")
        try await harness.peer.exchange()
        let sent = (1 << 20) - harness.peer.peer.bufferedBodyBytes(streamID: stream)
        let window = Int(HTTP2Settings.default.initialWindowSize)
        #expect(sent <= read.load(ordering: .relaxed) + window + 16_384, "the client sent \(sent) bytes")
        #expect(sent >= window, "the first window is open from the start")
        #expect(harness.closed(stream) == nil)
    }

    /// The application answers without reading the body: what arrived and what is still coming is
    /// given back, so the client finishes its upload and the connection window is whole again.
    @Test func aBodyNobodyReadsIsGivenBackAfterTheResponse() async throws {
        let responder = Responder(handler: { _, writer in try? await writer.writeHead(status: 413, endStream: true) })
        let harness = try await Harness(responder: responder)
        // Five uploads of 600 kB: more than a stream's window each, 3 MB against a 1 MiB connection window.
        for _ in 0..<5 {
            let stream = try Self.upload(harness, size: 600_000)
            try await harness.peer.exchange(until: { harness.closed(stream) != nil }, "stream \(stream) closed")
            #expect(harness.closed(stream) == 0, "the upload ran to its end")
            #expect(harness.peer.peer.bufferedBodyBytes(streamID: stream) == 0)
        }
        #expect(harness.peer.peer.remoteConnectionWindow >= (1 << 20) / 2)
    }

    /// A client that resets a stream whose body nobody read: the connection gets those bytes back.
    @Test func aResetStreamGivesBackWhatItHeld() async throws {
        let responder = Responder(handler: { _, writer in await writer.closed() })
        let harness = try await Harness(responder: responder)
        var streams: [Int32] = []
        for _ in 0..<3 {
            streams.append(try Self.upload(harness, size: 250_000))
        }
        try await harness.peer.exchange(until: { responder.calls.load(ordering: .relaxed) == 3 }, "three calls")
        try await harness.peer.exchange()
        let held = harness.peer.peer.remoteConnectionWindow
        #expect(held <= (1 << 20) - 700_000, "the server holds what nobody read (window \(held))")
        for stream in streams { harness.peer.peer.resetStream(streamID: stream, errorCode: HTTP2ErrorCode.cancel) }
        try await harness.peer.exchange(until: { harness.peer.peer.remoteConnectionWindow == 1 << 20 }, "the window given back")
    }
}
