/// Turns payloads into envelopes, compressing those worth it.
///
/// The framer is handed its compressor (or none) for the call's negotiated encoding; it never
/// decides the encoding itself.
public struct EnvelopeFramer {
    private let deflater: Deflater?
    /// Payloads smaller than this are sent uncompressed: zlib's header and trailer cost 6 bytes, and
    /// small messages rarely shrink enough to pay for the CPU.
    public let compressionThreshold: Int

    public init(deflater: Deflater? = nil, compressionThreshold: Int = 1024) {
        self.deflater = deflater
        self.compressionThreshold = compressionThreshold
    }

    /// The envelope for `payload`, compressed when a compressor was given, the payload is at least the
    /// threshold, and compression actually makes it smaller.
    public func frame(_ payload: [UInt8], endOfStream: Bool = false) -> [UInt8] {
        var flags: EnvelopeFlags = endOfStream ? .endOfStream : []
        var body = payload
        if let deflater, payload.count >= compressionThreshold {
            let compressed = deflater.compress(payload)
            if compressed.count < payload.count {
                body = compressed
                flags.insert(.compressed)
            }
        }
        var out = [UInt8]()
        out.reserveCapacity(Envelope.prefixSize + body.count)
        Self.appendPrefix(flags: flags, length: body.count, to: &out)
        out.append(contentsOf: body)
        return out
    }

    /// The envelope for a message.
    public func frame(_ message: some WireMessage, endOfStream: Bool = false) -> [UInt8] {
        frame(message.wireBytes(), endOfStream: endOfStream)
    }

    public static func appendPrefix(flags: EnvelopeFlags, length: Int, to out: inout [UInt8]) {
        precondition(length <= Int(UInt32.max), "an envelope cannot carry more than 4 GiB")
        let n = UInt32(length)
        out.append(flags.rawValue)
        out.append(UInt8(truncatingIfNeeded: n >> 24))
        out.append(UInt8(truncatingIfNeeded: n >> 16))
        out.append(UInt8(truncatingIfNeeded: n >> 8))
        out.append(UInt8(truncatingIfNeeded: n))
    }
}
