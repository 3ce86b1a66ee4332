import Testing
@testable import TallyCodec
import TallyModel
import TallyTestSupport

@Suite struct EnvelopeTests {
    @Test func framesWithFlagAndBigEndianLength() {
        let framer = EnvelopeFramer()
        #expect(framer.frame([0xAA, 0xBB]) == [0x00, 0, 0, 0, 2, 0xAA, 0xBB])
        #expect(framer.frame([], endOfStream: true) == [0x02, 0, 0, 0, 0])
        #expect(framer.frame(Status(code: .notFound), endOfStream: true) == [0x02, 0, 0, 0, 2, 0x08, 0x05])
    }

    @Test func compressesOnlyWhenWorthIt() throws {
        let framer = EnvelopeFramer(deflater: Deflater(), compressionThreshold: 64)
        let small = [UInt8](repeating: 1, count: 63)
        #expect(framer.frame(small)[0] == 0x00)
        let repetitive = [UInt8](repeating: 1, count: 1_000)
        let framed = framer.frame(repetitive)
        #expect(framed[0] == 0x01)
        #expect(framed.count < 100)
        var rng = SeededRandom(seed: 5)
        let noise = rng.bytes(1_000)  // incompressible: sent as is
        #expect(framer.frame(noise)[0] == 0x00)

        var deframer = EnvelopeDeframer(inflater: Inflater())
        deframer.append(framed)
        #expect(try deframer.next() == Envelope(flags: .compressed, payload: repetitive))
    }

    /// Every split of a stream of envelopes into two pieces, plus byte-at-a-time and random
    /// multi-way splits, yields the same messages.
    @Test func sameMessagesForEverySplit() throws {
        var rng = SeededRandom(seed: 2026)
        let framer = EnvelopeFramer(deflater: Deflater(), compressionThreshold: 32)
        var expected: [Envelope] = []
        var stream: [UInt8] = []
        for index in 0..<6 {
            let payload = index == 2 ? [] : (index == 4 ? [UInt8](repeating: 9, count: 300) : rng.bytes(Int.random(in: 1...40, using: &rng)))
            let framed = framer.frame(payload, endOfStream: index == 5)
            stream += framed
            expected.append(Envelope(flags: EnvelopeFlags(rawValue: framed[0]), payload: payload))
        }
        for cut in 0...stream.count {
            #expect(try deframe([Array(stream[..<cut]), Array(stream[cut...])]) == expected, "split at \(cut)")
        }
        #expect(try deframe(stream.map { [$0] }) == expected)
        for _ in 0..<500 {
            var pieces: [[UInt8]] = []
            var rest = stream[...]
            while !rest.isEmpty {
                let n = Int.random(in: 0...min(rest.count, 20), using: &rng)
                pieces.append(Array(rest.prefix(n)))
                rest = rest.dropFirst(n)
            }
            #expect(try deframe(pieces) == expected)
        }
    }

    private func deframe(_ pieces: [[UInt8]]) throws -> [Envelope] {
        var deframer = EnvelopeDeframer(inflater: Inflater())
        var out: [Envelope] = []
        for piece in pieces {
            deframer.append(piece)
            while let envelope = try deframer.next() { out.append(envelope) }
        }
        try deframer.finish()
        return out
    }

    @Test func reservedFlagBitsAreRejected() throws {
        var deframer = EnvelopeDeframer()
        deframer.append([0x00, 0, 0, 0, 1, 0xAA, 0x04, 0, 0, 0, 0])
        #expect(try deframer.next()?.payload == [0xAA])
        #expect(throws: EnvelopeError(.reservedFlags(0x04), offset: 6)) { try deframer.next() }
        // The deframer stays failed: the stream is out of sync.
        #expect(throws: EnvelopeError(.reservedFlags(0x04), offset: 6)) { try deframer.next() }
    }

    @Test func oversizedDeclaredLengthIsRefusedFromThePrefixAlone() throws {
        var deframer = EnvelopeDeframer(maxMessageSize: 1_000)
        deframer.append([0x00, 0x00, 0x00, 0x03, 0xE9])  // 1001, no payload sent yet
        #expect(throws: EnvelopeError(.messageTooLarge(declared: 1_001, limit: 1_000), offset: 0)) { try deframer.next() }
        var exact = EnvelopeDeframer(maxMessageSize: 1_000)
        exact.append([0x00, 0x00, 0x00, 0x03, 0xE8])
        #expect(try exact.next() == nil)  // 1000 is allowed; waiting for the payload
    }

    @Test func compressedEnvelopeWithoutNegotiatedEncodingIsRejected() {
        var deframer = EnvelopeDeframer(inflater: nil)
        deframer.append(EnvelopeFramer(deflater: Deflater(), compressionThreshold: 0).frame([UInt8](repeating: 0, count: 100)))
        #expect(throws: EnvelopeError(.compressionNotNegotiated, offset: 0)) { try deframer.next() }
    }

    @Test func zeroLengthCompressedEnvelopeIsAnEmptyMessage() throws {
        var deframer = EnvelopeDeframer(inflater: Inflater())
        deframer.append([0x01, 0, 0, 0, 0])
        #expect(try deframer.next() == Envelope(flags: .compressed, payload: []))
    }

    @Test func bombInsideAnEnvelopeIsRejected() {
        let bomb = Deflater(level: 9).compress([UInt8](repeating: 0, count: 1_000_000))
        var deframer = EnvelopeDeframer(inflater: Inflater(maxInflatedSize: 4 << 20, maxRatio: 100))
        var framed: [UInt8] = []
        EnvelopeFramer.appendPrefix(flags: .compressed, length: bomb.count, to: &framed)
        deframer.append(framed + bomb)
        #expect(throws: EnvelopeError(.decompressionFailed(.inflatedTooLarge(limit: bomb.count * 100)), offset: 0)) { try deframer.next() }
    }

    @Test func streamEndingInsideAnEnvelopeIsTruncated() throws {
        var deframer = EnvelopeDeframer()
        deframer.append([0x00, 0, 0, 0, 3, 0xAA])
        #expect(try deframer.next() == nil)
        #expect(throws: EnvelopeError(.truncated(bufferedBytes: 6), offset: 0)) { try deframer.finish() }
    }

    @Test func nothingMayFollowTheEndOfStream() throws {
        var deframer = EnvelopeDeframer()
        deframer.append([0x02, 0, 0, 0, 0, 0x00, 0, 0, 0, 0])
        #expect(try deframer.next()?.isEndOfStream == true)
        #expect(throws: EnvelopeError(.dataAfterEndOfStream, offset: 5)) { try deframer.next() }
    }

    @Test func randomBytesNeverCrashTheDeframer() {
        var rng = SeededRandom(seed: 404)
        for _ in 0..<5_000 {
            var deframer = EnvelopeDeframer(maxMessageSize: 1 << 16, inflater: Inflater(maxInflatedSize: 1 << 16))
            var input = rng.bytes(Int.random(in: 0...80, using: &rng))
            if !input.isEmpty && rng.chance(0.7) { input[0] &= 0x03 }
            if input.count > 4 && rng.chance(0.7) { input[1] = 0; input[2] = 0; input[3] = 0 }
            var offset = 0
            while offset < input.count {
                let n = Int.random(in: 1...16, using: &rng)
                deframer.append(input[offset..<min(input.count, offset + n)])
                offset += n
                while let _ = try? deframer.next() {}
            }
            _ = try? deframer.finish()
        }
    }
}
