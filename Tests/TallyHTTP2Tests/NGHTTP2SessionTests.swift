import Testing
@testable import TallyHTTP2

/// The session wrapper tested without sockets: a client session and a server session exchange
/// bytes in memory, so every frame crosses a real nghttp2 on both sides.
@Suite struct NGHTTP2SessionTests {
    final class Pair {
        let client: NGHTTP2Session
        let server: NGHTTP2Session
        var clientEvents: [HTTP2Event] = []
        var serverEvents: [HTTP2Event] = []

        init(server settings: HTTP2Settings = .default) throws {
            client = try NGHTTP2Session(role: .client)
            server = try NGHTTP2Session(role: .server, settings: settings)
        }

        /// Moves bytes both ways until neither side has anything to send.
        func pump() throws {
            for _ in 0..<1_000 {
                let toServer = try client.takeOutput()
                let toClient = try server.takeOutput()
                if toServer.isEmpty && toClient.isEmpty { return }
                try toServer.withUnsafeBytes { try server.receive($0) }
                try toClient.withUnsafeBytes { try client.receive($0) }
                serverEvents += server.takeEvents()
                clientEvents += client.takeEvents()
            }
        }

        static let request = [HTTP2HeaderField(":method", "POST"), HTTP2HeaderField(":scheme", "http"),
                              HTTP2HeaderField(":authority", "localhost"), HTTP2HeaderField(":path", "/tally.v1.Tally/Health")]
    }

    @Test func requestAndResponseWithBodyAndTrailers() throws {
        let pair = try Pair()
        let stream = try pair.client.submitRequest(headers: Pair.request)
        pair.client.writeBody(streamID: stream, [1, 2, 3])
        pair.client.finishBody(streamID: stream)
        try pair.pump()
        #expect(pair.serverEvents.contains(.headers(streamID: stream, fields: HTTP2Fields(Pair.request), endStream: false)))
        #expect(pair.serverEvents.contains(.data(streamID: stream, bytes: [1, 2, 3])))
        #expect(pair.serverEvents.contains(.endStream(streamID: stream)))

        try pair.server.submitResponse(streamID: stream, headers: [HTTP2HeaderField(":status", "200")])
        pair.server.writeBody(streamID: stream, [9, 9])
        pair.server.finishBody(streamID: stream, trailers: [HTTP2HeaderField("tally-status", "0")])
        try pair.pump()
        #expect(pair.clientEvents.contains(.headers(streamID: stream, fields: HTTP2Fields([HTTP2HeaderField(":status", "200")]), endStream: false)))
        #expect(pair.clientEvents.contains(.data(streamID: stream, bytes: [9, 9])))
        #expect(pair.clientEvents.contains(.headers(streamID: stream, fields: HTTP2Fields([HTTP2HeaderField("tally-status", "0")]), endStream: true)))
        #expect(pair.clientEvents.contains(.streamClosed(streamID: stream, errorCode: 0)))
    }

    /// A server session forgets a stream once it is closed: nghttp2 would otherwise keep up to
    /// SETTINGS_MAX_CONCURRENT_STREAMS closed ones per connection for a priority tree nobody uses
    /// (about 300 bytes each: 29 MiB over 1,000 connections of 100 calls each, before this).
    @Test func aServerKeepsNoClosedStreams() throws {
        let pair = try Pair()
        var streams: [Int32] = []
        for _ in 0..<3 {
            let stream = try pair.client.submitRequest(headers: Pair.request, endStream: true)
            try pair.pump()
            try pair.server.submitResponse(streamID: stream, headers: [HTTP2HeaderField(":status", "204")], endStream: true)
            try pair.pump()
            streams.append(stream)
        }
        for stream in streams {
            #expect(pair.clientEvents.contains(.streamClosed(streamID: stream, errorCode: 0)))
            #expect(!pair.server.holdsStream(stream), "the server still holds closed stream \(stream)")
        }
    }

    /// A body written in pieces after the headers: nghttp2 is deferred, then resumed.
    @Test func deferredBodyIsResumed() throws {
        let pair = try Pair()
        let stream = try pair.client.submitRequest(headers: Pair.request, endStream: true)
        try pair.pump()
        try pair.server.submitResponse(streamID: stream, headers: [HTTP2HeaderField(":status", "200")])
        try pair.pump()
        for chunk in 0..<3 {
            pair.server.writeBody(streamID: stream, [UInt8(chunk)])
            try pair.pump()
        }
        pair.server.finishBody(streamID: stream)
        try pair.pump()
        let data = pair.clientEvents.compactMap { event -> [UInt8]? in
            if case .data(_, let bytes) = event { return bytes } else { return nil }
        }
        #expect(data.flatMap { $0 } == [0, 1, 2])
        #expect(pair.clientEvents.contains(.endStream(streamID: stream)))
    }

    /// Without `consume`, a peer can send no more than the initial window: flow control is manual.
    @Test func unconsumedBodyStopsThePeerAtTheWindow() throws {
        var settings = HTTP2Settings()
        settings.initialWindowSize = 1_000
        let pair = try Pair(server: settings)
        try pair.pump()  // settings exchange
        let stream = try pair.client.submitRequest(headers: Pair.request)
        pair.client.writeBody(streamID: stream, [UInt8](repeating: 7, count: 5_000))
        try pair.pump()
        func received() -> Int {
            pair.serverEvents.reduce(0) { total, event in
                if case .data(_, let bytes) = event { return total + bytes.count } else { return total }
            }
        }
        #expect(received() == 1_000)
        pair.server.consume(streamID: stream, count: 1_000)
        try pair.pump()
        #expect(received() == 2_000)
    }

    @Test func oversizedHeaderBlockIsReportedNotDelivered() throws {
        var settings = HTTP2Settings()
        settings.maxHeaderListSize = 1_024
        let pair = try Pair(server: settings)
        let stream = try pair.client.submitRequest(headers: Pair.request + [HTTP2HeaderField("x-pad", String(repeating: "a", count: 2_000))], endStream: true)
        try pair.pump()
        #expect(pair.serverEvents.contains(.headersTooLarge(streamID: stream)))
        #expect(!pair.serverEvents.contains { if case .headers = $0 { return true } else { return false } })
    }

    @Test func streamsBeyondTheLimitAreRefused() throws {
        var settings = HTTP2Settings()
        settings.maxConcurrentStreams = 2
        let pair = try Pair(server: settings)
        try pair.pump()
        #expect(pair.client.remoteMaxConcurrentStreams == 2)
        for _ in 0..<3 { _ = try pair.client.submitRequest(headers: Pair.request) }
        try pair.pump()
        let opened = pair.serverEvents.filter { if case .headers = $0 { return true } else { return false } }
        #expect(opened.count == 2)
    }

    @Test func goawayAfterShutdownNotice() throws {
        let pair = try Pair()
        let stream = try pair.client.submitRequest(headers: Pair.request, endStream: true)
        try pair.pump()
        pair.server.submitShutdownNotice()
        try pair.pump()
        pair.server.submitGoaway()
        try pair.pump()
        #expect(pair.clientEvents.contains(.goaway(lastStreamID: stream, errorCode: 0)))
    }

    @Test func garbageFromThePeerIsAnError() throws {
        let server = try NGHTTP2Session(role: .server)
        let garbage = Array("GET / HTTP/1.1\r\nHost: x\r\n\r\n".utf8)
        #expect(throws: HTTP2Error.self) { try garbage.withUnsafeBytes { try server.receive($0) } }
    }
}
