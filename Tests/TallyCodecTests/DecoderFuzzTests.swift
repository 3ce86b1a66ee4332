import Testing
import TallyCodec
import TallyModel
import TallyTestSupport

/// Property: no input makes a decoder trap, hang or allocate without bound; whatever decodes
/// re-encodes to bytes that decode to the same value.
@Suite struct DecoderFuzzTests {
    static let typeNames = MessageRegistry.all.map { $0.protoName }

    @Test(arguments: typeNames)
    func randomBytesNeverCrash(typeName: String) throws {
        let type = try #require(MessageRegistry.byName[typeName])
        var rng = SeededRandom(seed: 0xF022 &+ UInt64(typeName.utf8.count))
        for _ in 0..<3_000 {
            let bytes = rng.bytes(Int.random(in: 0...64, using: &rng))
            try checkStable(type, bytes)
        }
    }

    @Test(arguments: typeNames)
    func mutatedValidMessagesNeverCrash(typeName: String) throws {
        let type = try #require(MessageRegistry.byName[typeName])
        var rng = SeededRandom(seed: 0x3D7 &+ UInt64(typeName.utf8.count))
        for _ in 0..<1_500 {
            var bytes = ArbitraryMessages.make(type, using: &rng).wireBytes()
            mutate(&bytes, using: &rng)
            try checkStable(type, bytes)
        }
    }

    private func mutate(_ bytes: inout [UInt8], using rng: inout SeededRandom) {
        for _ in 0..<Int.random(in: 1...4, using: &rng) {
            switch Int.random(in: 0..<5, using: &rng) {
            case 0 where !bytes.isEmpty: bytes[Int.random(in: 0..<bytes.count, using: &rng)] ^= UInt8.random(in: 1...255, using: &rng)
            case 1 where !bytes.isEmpty: bytes.removeLast(Int.random(in: 1...bytes.count, using: &rng))
            case 2: bytes.insert(UInt8.random(in: 0...255, using: &rng), at: Int.random(in: 0...bytes.count, using: &rng))
            case 3 where !bytes.isEmpty: bytes.remove(at: Int.random(in: 0..<bytes.count, using: &rng))
            default: bytes += [0xFF, 0xFF, 0xFF, 0xFF, 0x0F]  // a length near 4 GiB
            }
        }
    }

    private func checkStable(_ type: any WireMessage.Type, _ bytes: [UInt8]) throws {
        try check(type, bytes)
    }

    private func check<M: WireMessage>(_ type: M.Type, _ bytes: [UInt8]) throws {
        guard let decoded = try? M(wireBytes: bytes) else { return }
        // Compared as bytes: a decoded double may be NaN, which is not equal to itself.
        let canonical = decoded.wireBytes()
        let again = try M(wireBytes: canonical)
        #expect(again.wireBytes() == canonical, "\(M.protoName) unstable for \(bytes)")
    }
}
