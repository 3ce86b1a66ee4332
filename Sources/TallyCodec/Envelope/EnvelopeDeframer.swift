/// Reassembles envelopes from bytes that arrive in any split.
///
/// Feed it with `append`, take messages with `next()` until it returns `nil` (more bytes needed),
/// and call `finish()` when the input ends. A declared length over the limit is refused as soon as
/// the 5-byte prefix is in, before any of the payload is buffered. After an error the deframer stays
/// failed: the stream is no longer in sync and nothing after the bad envelope can be trusted.
public struct EnvelopeDeframer {
    public let maxMessageSize: Int
    private let inflater: Inflater?
    private var buffer: [UInt8] = []
    private var readIndex = 0
    /// Stream offset of `buffer[0]`.
    private var bufferOffset = 0
    private var failure: EnvelopeError?
    private var sawEndOfStream = false

    /// - Parameters:
    ///   - maxMessageSize: largest payload accepted, compressed or inflated.
    ///   - inflater: the call's negotiated decompressor; `nil` makes a compressed envelope an error.
    public init(maxMessageSize: Int = 4 << 20, inflater: Inflater? = nil) {
        self.maxMessageSize = maxMessageSize
        self.inflater = inflater
    }

    /// Bytes received and not yet returned as a message.
    public var bufferedByteCount: Int { buffer.count - readIndex }

    public mutating func append(_ bytes: some Sequence<UInt8>) {
        buffer.append(contentsOf: bytes)
    }

    public mutating func append(_ bytes: UnsafeRawBufferPointer) {
        buffer.append(contentsOf: bytes)
    }

    /// The next complete envelope, or `nil` when more bytes are needed.
    public mutating func next() throws(EnvelopeError) -> Envelope? {
        if let failure { throw failure }
        do {
            return try takeEnvelope()
        } catch {
            failure = error
            throw error
        }
    }

    /// Declares the input complete: fails if it ended inside an envelope.
    public mutating func finish() throws(EnvelopeError) {
        if let failure { throw failure }
        if bufferedByteCount > 0 {
            let error = EnvelopeError(.truncated(bufferedBytes: bufferedByteCount), offset: bufferOffset + readIndex)
            failure = error
            throw error
        }
    }

    private mutating func takeEnvelope() throws(EnvelopeError) -> Envelope? {
        guard bufferedByteCount >= Envelope.prefixSize else { return nil }
        let envelopeOffset = bufferOffset + readIndex
        let flagByte = buffer[readIndex]
        let flags = EnvelopeFlags(rawValue: flagByte)
        guard EnvelopeFlags.defined.isSuperset(of: flags) else {
            throw EnvelopeError(.reservedFlags(flagByte), offset: envelopeOffset)
        }
        if sawEndOfStream { throw EnvelopeError(.dataAfterEndOfStream, offset: envelopeOffset) }
        let length = UInt32(buffer[readIndex + 1]) << 24 | UInt32(buffer[readIndex + 2]) << 16
            | UInt32(buffer[readIndex + 3]) << 8 | UInt32(buffer[readIndex + 4])
        guard Int(length) <= maxMessageSize else {
            throw EnvelopeError(.messageTooLarge(declared: length, limit: maxMessageSize), offset: envelopeOffset)
        }
        guard bufferedByteCount >= Envelope.prefixSize + Int(length) else { return nil }

        let start = readIndex + Envelope.prefixSize
        var payload = Array(buffer[start..<start + Int(length)])
        readIndex = start + Int(length)
        compactIfWorthIt()

        if flags.contains(.compressed) {
            guard let inflater else { throw EnvelopeError(.compressionNotNegotiated, offset: envelopeOffset) }
            do {
                payload = try inflater.decompress(payload)
            } catch {
                throw EnvelopeError(.decompressionFailed(error), offset: envelopeOffset)
            }
        }
        if flags.contains(.endOfStream) { sawEndOfStream = true }
        return Envelope(flags: flags, payload: payload)
    }

    /// Drops consumed bytes once they are most of the buffer, so memory follows what is pending.
    private mutating func compactIfWorthIt() {
        if readIndex == buffer.count {
            bufferOffset += readIndex
            buffer.removeAll(keepingCapacity: buffer.capacity <= 64 << 10)
            readIndex = 0
        } else if readIndex > 4096 && readIndex * 2 > buffer.count {
            bufferOffset += readIndex
            buffer.removeFirst(readIndex)
            readIndex = 0
        }
    }
}
