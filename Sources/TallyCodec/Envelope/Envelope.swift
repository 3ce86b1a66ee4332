/// The flag byte of an envelope. Bits other than these are reserved and rejected.
public struct EnvelopeFlags: OptionSet, Sendable, Hashable {
    public let rawValue: UInt8

    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// The payload is compressed with the call's negotiated encoding (zlib).
    public static let compressed = EnvelopeFlags(rawValue: 0x01)
    /// The payload is a `Status`: the last message of a response stream.
    public static let endOfStream = EnvelopeFlags(rawValue: 0x02)

    public static let defined: EnvelopeFlags = [.compressed, .endOfStream]
}

/// One length-prefixed message: 1 flag byte, 4-byte big-endian length, payload.
public struct Envelope: Sendable, Equatable {
    /// Size of the flag byte and the length.
    public static let prefixSize = 5

    public var flags: EnvelopeFlags
    /// The payload, already inflated when it arrived compressed; `flags` still says how it arrived.
    public var payload: [UInt8]

    public init(flags: EnvelopeFlags = [], payload: [UInt8]) {
        self.flags = flags
        self.payload = payload
    }

    public var isEndOfStream: Bool { flags.contains(.endOfStream) }
}

/// Why an envelope stream was refused. `offset` is the stream offset of the envelope's first byte.
public struct EnvelopeError: Error, Equatable, Sendable {
    public enum Reason: Equatable, Sendable {
        /// Flag bits other than 0x01 and 0x02.
        case reservedFlags(UInt8)
        /// A declared length over the limit; refused as soon as the prefix arrives.
        case messageTooLarge(declared: UInt32, limit: Int)
        /// Flag 0x01 on a call that negotiated no compression.
        case compressionNotNegotiated
        case decompressionFailed(CompressionError)
        /// The stream ended inside an envelope.
        case truncated(bufferedBytes: Int)
        /// A message arrived after the end-of-stream envelope.
        case dataAfterEndOfStream
    }

    public var reason: Reason
    public var offset: Int

    public init(_ reason: Reason, offset: Int) {
        self.reason = reason
        self.offset = offset
    }
}

extension EnvelopeError: CustomStringConvertible {
    public var description: String { "\(reason) in the envelope at byte \(offset)" }
}
