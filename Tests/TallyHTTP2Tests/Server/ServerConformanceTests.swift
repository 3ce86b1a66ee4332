import NIOCore
import NIOEmbedded
import Testing
@testable import TallyHTTP2

/// Frames written by hand, for what a well-behaved client library will not send.
@Suite(.timeLimit(.minutes(5))) struct ServerConformanceTests {
    static let preface = Array("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".utf8)

    static func frame(type: UInt8, flags: UInt8, stream: UInt32, _ payload: [UInt8]) -> [UInt8] {
        let length = UInt32(payload.count)
        return [UInt8(length >> 16 & 0xFF), UInt8(length >> 8 & 0xFF), UInt8(length & 0xFF), type, flags,
                UInt8(stream >> 24 & 0x7F), UInt8(stream >> 16 & 0xFF), UInt8(stream >> 8 & 0xFF), UInt8(stream & 0xFF)] + payload
    }

    /// A GET of `/` as HPACK: `:method GET`, `:scheme http`, `:path /` from the static table, and
    /// `:authority localhost` as a literal with an indexed name.
    static let getRoot: [UInt8] = [0x82, 0x86, 0x84, 0x41, 0x09] + Array("localhost".utf8)

    static func headers(stream: UInt32) -> [UInt8] {
        frame(type: 0x1, flags: 0x5, stream: stream, getRoot)  // END_STREAM | END_HEADERS
    }

    /// The frames the server wrote, as (type, flags, stream, payload).
    static func frames(in bytes: [UInt8]) -> [(type: UInt8, stream: UInt32, payload: [UInt8])] {
        var frames: [(UInt8, UInt32, [UInt8])] = []
        var offset = 0
        while offset + 9 <= bytes.count {
            let length = Int(bytes[offset]) << 16 | Int(bytes[offset + 1]) << 8 | Int(bytes[offset + 2])
            let stream = UInt32(bytes[offset + 5] & 0x7F) << 24 | UInt32(bytes[offset + 6]) << 16 | UInt32(bytes[offset + 7]) << 8 | UInt32(bytes[offset + 8])
            guard offset + 9 + length <= bytes.count else { break }
            frames.append((bytes[offset + 3], stream, Array(bytes[(offset + 9)..<(offset + 9 + length)])))
            offset += 9 + length
        }
        return frames
    }

    static func goawayCodes(_ channel: NIOAsyncTestingChannel) async throws -> [UInt32] {
        var written: [UInt8] = []
        while let buffer = try await channel.readOutbound(as: ByteBuffer.self) { written += buffer.readableBytesView }
        return frames(in: written).filter { $0.type == 0x7 }.map { goaway in
            goaway.payload[4..<8].reduce(0) { $0 << 8 | UInt32($1) }
        }
    }

    /// A server that answers every request at once, so its streams close as soon as they end.
    static func server() async throws -> NIOAsyncTestingChannel {
        let channel = NIOAsyncTestingChannel()
        let answer = HTTP2PreparedResponse(status: 204, headers: [], body: ByteBuffer(), trailers: [])
        try await channel.testingEventLoop.executeInContext {
            _ = try HTTP2ServerConnection.configure(channel, configuration: HTTP2ServerConfiguration(),
                                                    responder: ServerConnectionTests.Responder(immediate: { _, _ in answer }))
        }
        try await channel.connect(to: try SocketAddress(ipAddress: "127.0.0.1", port: 8080))
        try await channel.writeInbound(ByteBuffer(bytes: preface + frame(type: 0x4, flags: 0, stream: 0, [])))
        return channel
    }

    /// RFC 9113 §5.1.1: a stream id lower than one the client already used, on a stream that never
    /// existed, is a connection error of type PROTOCOL_ERROR (nghttp2 1.52 alone ignores it).
    @Test func aReusedLowerStreamIDIsAProtocolError() async throws {
        let channel = try await Self.server()
        try await channel.writeInbound(ByteBuffer(bytes: Self.headers(stream: 5)))
        #expect(try await Self.goawayCodes(channel) == [])
        try await channel.writeInbound(ByteBuffer(bytes: Self.headers(stream: 3)))
        #expect(try await Self.goawayCodes(channel) == [HTTP2ErrorCode.protocolError])
    }

    /// The same id again, after its stream closed, is no better.
    @Test func aClosedStreamReopenedIsAProtocolError() async throws {
        let channel = try await Self.server()
        try await channel.writeInbound(ByteBuffer(bytes: Self.headers(stream: 1)))
        try await channel.writeInbound(ByteBuffer(bytes: Self.headers(stream: 3)))
        #expect(try await Self.goawayCodes(channel) == [])
        try await channel.writeInbound(ByteBuffer(bytes: Self.headers(stream: 1)))
        #expect(try await Self.goawayCodes(channel) == [HTTP2ErrorCode.protocolError])
    }

    /// Ascending ids are fine, however far apart.
    @Test func ascendingStreamIDsAreServed() async throws {
        let channel = try await Self.server()
        for stream: UInt32 in [1, 7, 101] {
            try await channel.writeInbound(ByteBuffer(bytes: Self.headers(stream: stream)))
        }
        #expect(try await Self.goawayCodes(channel) == [])
        #expect(channel.isActive)
    }
}
