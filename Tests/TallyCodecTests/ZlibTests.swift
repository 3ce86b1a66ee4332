import Testing
@testable import TallyCodec
import TallyTestSupport

@Suite struct ZlibTests {
    @Test func roundTripsAndFreshStatePerMessage() throws {
        let deflater = Deflater()
        let inflater = Inflater()
        var rng = SeededRandom(seed: 11)
        for size in [1, 100, 5_000, 300_000] {
            let text = (0..<size).map { _ in UInt8.random(in: 97...100, using: &rng) }
            let first = deflater.compress(text)
            let second = deflater.compress(text)
            // No state carries over between messages: the same input compresses to the same bytes.
            #expect(first == second)
            #expect(Array(first.prefix(1)) == [0x78])  // zlib header, 32 KiB window
            #expect(try inflater.decompress(first) == text)
        }
    }

    @Test func zeroLengthPayloadIsEmptyAndNeverInflated() throws {
        let inflater = Inflater()
        #expect(try inflater.decompress([]) == [])
        #expect(inflater.peakOutputCapacity == 0)
    }

    /// 1 KiB of compressed zeros inflates to about a megabyte; the ratio cap (100×) stops it at
    /// 100 KiB, and the inflater never allocates more than the cap plus one byte.
    @Test func compressionBombIsStoppedAtTheRatioCapWithoutAllocatingItsSize() throws {
        let bomb = Deflater(level: 9).compress([UInt8](repeating: 0, count: 1_000_000))
        #expect(bomb.count <= 1_024)
        let inflater = Inflater(maxInflatedSize: 4 << 20, maxRatio: 100)
        let limit = bomb.count * 100
        #expect(throws: CompressionError.inflatedTooLarge(limit: limit)) { try inflater.decompress(bomb) }
        #expect(inflater.peakOutputCapacity <= limit + 1)
        #expect(inflater.peakOutputCapacity < 1_000_000 / 4)
    }

    @Test func absoluteCapAppliesWhateverTheRatio() throws {
        let data = [UInt8](repeating: 7, count: 10_000)
        let compressed = Deflater().compress(data)
        let inflater = Inflater(maxInflatedSize: 9_999, maxRatio: 10_000)
        #expect(throws: CompressionError.inflatedTooLarge(limit: 9_999)) { try inflater.decompress(compressed) }
        // Exactly at the limit is allowed.
        #expect(try Inflater(maxInflatedSize: 10_000, maxRatio: 10_000).decompress(compressed) == data)
    }

    @Test func truncatedStreamIsAnError() throws {
        let compressed = Deflater().compress([UInt8](repeating: 1, count: 5_000) + (0..<200).map { UInt8($0) })
        for cut in [1, 2, compressed.count / 2, compressed.count - 1] {
            #expect(throws: CompressionError.truncated) { try Inflater().decompress(Array(compressed.prefix(cut))) }
        }
    }

    @Test func trailingGarbageIsAnError() throws {
        let compressed = Deflater().compress(Array("hello".utf8))
        #expect(throws: CompressionError.trailingGarbage(byteCount: 3)) { try Inflater().decompress(compressed + [1, 2, 3]) }
    }

    @Test func corruptDataIsAnError() throws {
        var compressed = Deflater().compress(Array(String(repeating: "tally ", count: 100).utf8))
        compressed[compressed.count - 1] ^= 0xFF  // Adler-32 checksum
        #expect(throws: CompressionError.corrupt("incorrect data check")) { try Inflater().decompress(compressed) }
        #expect(throws: CompressionError.corrupt("incorrect header check")) { try Inflater().decompress([0x12, 0x34, 0x56]) }
    }

    @Test func randomInputNeverCrashes() {
        var rng = SeededRandom(seed: 99)
        let inflater = Inflater(maxInflatedSize: 1 << 16, maxRatio: 1_000)
        for _ in 0..<3_000 {
            var input = rng.bytes(Int.random(in: 1...200, using: &rng))
            if rng.chance(0.5) { input[0] = 0x78; if input.count > 1 { input[1] = 0x9C } }
            _ = try? inflater.decompress(input)
        }
        // The inflater is still usable after thousands of failures.
        #expect(try! inflater.decompress(Deflater().compress([1, 2, 3])) == [1, 2, 3])
    }

    @Test func negotiationPicksTheFirstSupportedEncodingThePeerAccepts() {
        #expect(MessageEncoding.negotiate(peerAccepts: nil) == .identity)
        #expect(MessageEncoding.negotiate(peerAccepts: "gzip, deflate") == .deflate)
        #expect(MessageEncoding.negotiate(peerAccepts: " DEFLATE ;q=1") == .deflate)
        #expect(MessageEncoding.negotiate(peerAccepts: "br, zstd") == .identity)
        #expect(MessageEncoding.negotiate(peerAccepts: "identity, deflate") == .identity)
    }
}
