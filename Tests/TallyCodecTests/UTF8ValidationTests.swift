import Testing
@testable import TallyCodec
import TallyTestSupport

/// The hand-written validator must agree with the standard library's on every input.
@Suite struct UTF8ValidationTests {
    private func valid(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBufferPointer { UTF8Validation.isValid($0) }
    }

    private func stdlibValid(_ bytes: [UInt8]) -> Bool {
        String(validating: bytes, as: UTF8.self) != nil
    }

    @Test func knownCases() {
        #expect(valid([]))
        #expect(valid(Array("plain ascii, long enough for the word loop".utf8)))
        #expect(valid(Array("ёж €🦔 mixed with ascii".utf8)))
        #expect(!valid([0xC0, 0x80]))          // overlong NUL
        #expect(!valid([0xE0, 0x80, 0x80]))    // overlong 3-byte
        #expect(!valid([0xED, 0xA0, 0x80]))    // surrogate U+D800
        #expect(!valid([0xF4, 0x90, 0x80, 0x80]))  // above U+10FFFF
        #expect(!valid([0xF0, 0x9F, 0xA6]))    // truncated emoji
        #expect(!valid([0x80]))                // lone continuation
        #expect(!valid(Array("12345678".utf8) + [0xFF]))  // invalid byte after a full ASCII word
    }

    @Test func agreesWithTheStandardLibraryOnRandomInput() {
        var rng = SeededRandom(seed: 8)
        let interesting: [UInt8] = [0x00, 0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xC1, 0xC2, 0xDF,
                                    0xE0, 0xE1, 0xEC, 0xED, 0xEE, 0xEF, 0xF0, 0xF1, 0xF3, 0xF4, 0xF5, 0xFF]
        for _ in 0..<200_000 {
            let count = Int.random(in: 0...12, using: &rng)
            let bytes = (0..<count).map { _ in rng.chance(0.7) ? interesting.randomElement(using: &rng)! : UInt8.random(in: 0...255, using: &rng) }
            #expect(valid(bytes) == stdlibValid(bytes), "\(bytes)")
        }
        for _ in 0..<2_000 {
            let text = rng.string() + rng.string()
            #expect(valid(Array(text.utf8)))
        }
    }
}
