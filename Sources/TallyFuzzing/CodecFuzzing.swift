import TallyCodec

/// The wire: the envelope deframer (in two pieces split where the input says), inflation, and
/// every message decoder. Whatever decodes must re-encode to bytes that decode to the same bytes
/// again (the property the unit test checks on ~4,500 random inputs per type); whatever deflates
/// must inflate back.
///
/// Input layout: byte 0 picks the message type (low 5 bits of its index) and whether the
/// deframer has an inflater (bit 7); byte 1 picks where the rest is split; the rest is decoded as
/// that message directly, and deframed as envelopes whose payloads are decoded as that message.
public enum CodecFuzzing: FuzzEntry {
    public static let name = "codec"
    /// Small limits keep each input cheap; the limits themselves are what the deframer checks.
    static let maxMessageSize = 256 << 10

    public static func run(_ input: [UInt8]) -> FuzzFinding? {
        guard input.count >= 2 else { return nil }
        let type = MessageRegistry.all[Int(input[0] & 0x7F) % MessageRegistry.all.count]
        let compressed = input[0] & 0x80 != 0
        let rest = Array(input[2...])
        if let finding = checkStable(type, rest) { return finding }

        let inflater = compressed ? Inflater(maxInflatedSize: maxMessageSize) : nil
        var deframer = EnvelopeDeframer(maxMessageSize: maxMessageSize, inflater: inflater)
        let split = rest.isEmpty ? 0 : Int(input[1]) % (rest.count + 1)
        var envelopes: [Envelope] = []
        deframer.append(rest[..<split])
        while let envelope = try? deframer.next() { envelopes.append(envelope) }
        deframer.append(rest[split...])
        while let envelope = try? deframer.next() { envelopes.append(envelope) }
        _ = try? deframer.finish()

        let deflater = compressed ? Deflater(level: 1) : nil
        for envelope in envelopes {
            if let finding = checkStable(type, envelope.payload) { return finding }
            if let finding = checkReframes(envelope, deflater: deflater, inflater: inflater) { return finding }
        }
        return nil
    }

    static func checkStable(_ type: any WireMessage.Type, _ bytes: [UInt8]) -> FuzzFinding? {
        check(type, bytes)
    }

    private static func check<M: WireMessage>(_: M.Type, _ bytes: [UInt8]) -> FuzzFinding? {
        guard let decoded = try? M(wireBytes: bytes) else { return nil }
        // Compared as bytes: a decoded double may be NaN, which is not equal to itself.
        let canonical = decoded.wireBytes()
        guard let again = try? M(wireBytes: canonical) else {
            return FuzzFinding(name, "\(M.protoName): the re-encoding of \(bytes) does not decode")
        }
        guard again.wireBytes() == canonical else {
            return FuzzFinding(name, "\(M.protoName): unstable round trip for \(bytes)")
        }
        return nil
    }

    /// An envelope framed again (compressed when worth it) deframes to the same payload.
    private static func checkReframes(_ envelope: Envelope, deflater: Deflater?, inflater: Inflater?) -> FuzzFinding? {
        let framed = EnvelopeFramer(deflater: deflater, compressionThreshold: 16).frame(envelope.payload, endOfStream: envelope.isEndOfStream)
        var deframer = EnvelopeDeframer(maxMessageSize: 4 << 20, inflater: Inflater(maxInflatedSize: 4 << 20))
        deframer.append(framed)
        do {
            guard let again = try deframer.next() else { return FuzzFinding(name, "a framed payload of \(envelope.payload.count) bytes is incomplete") }
            try deframer.finish()
            guard again.payload == envelope.payload, again.isEndOfStream == envelope.isEndOfStream else {
                return FuzzFinding(name, "a payload of \(envelope.payload.count) bytes came back changed")
            }
        } catch {
            return FuzzFinding(name, "a framed payload of \(envelope.payload.count) bytes does not deframe: \(error)")
        }
        return nil
    }
}
