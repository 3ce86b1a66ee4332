/// One header field as it travels: lower-case name, value.
public struct HTTP2HeaderField: Sendable, Hashable, CustomStringConvertible {
    public var name: String
    public var value: String

    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }

    public var description: String { "\(name): \(value)" }
}

extension Array where Element == HTTP2HeaderField {
    /// The first value of a header, by exact (lower-case) name.
    public subscript(name: String) -> String? { first { $0.name == name }?.value }
}

/// What an nghttp2 session reports to its owner, in the order it happened.
public enum HTTP2Event: Sendable, Equatable {
    /// A complete header block: request or response headers, or trailers.
    case headers(streamID: Int32, fields: HTTP2Fields, endStream: Bool)
    /// A header block over `HTTP2Settings.maxHeaderListSize`; its fields were dropped.
    case headersTooLarge(streamID: Int32)
    case data(streamID: Int32, bytes: [UInt8])
    /// The peer ended its side of the stream with a DATA frame.
    case endStream(streamID: Int32)
    /// The stream is closed; `errorCode` 0 is a normal close, otherwise the RST_STREAM code.
    case streamClosed(streamID: Int32, errorCode: UInt32)
    case goaway(lastStreamID: Int32, errorCode: UInt32)
    /// The peer acknowledged one of our PINGs, identified by its 8 bytes of data.
    case pingAcknowledged(UInt64)
    /// Buffered response or request body of a stream fell below the low-water mark: writers may resume.
    case outboundDrained(streamID: Int32)
}

/// An error from nghttp2 itself: a protocol violation by the peer, or a misuse.
public struct HTTP2Error: Error, Sendable, Equatable, CustomStringConvertible {
    public var code: Int32
    public var message: String

    public var description: String { "nghttp2 error \(code): \(message)" }
}

/// HTTP/2 error codes (RFC 9113, section 7).
public enum HTTP2ErrorCode {
    public static let noError: UInt32 = 0x0
    public static let protocolError: UInt32 = 0x1
    public static let internalError: UInt32 = 0x2
    public static let flowControlError: UInt32 = 0x3
    public static let refusedStream: UInt32 = 0x7
    public static let cancel: UInt32 = 0x8
    public static let enhanceYourCalm: UInt32 = 0xB
}
