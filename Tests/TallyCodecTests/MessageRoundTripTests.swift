import Foundation
import Testing
import TallyCodec
import TallyModel
import TallyTestSupport

/// Property: for every message type, random values survive encode → decode, and decoding then
/// re-encoding canonical bytes gives the same bytes.
@Suite struct MessageRoundTripTests {
    static let typeNames = MessageRegistry.all.map { $0.protoName }

    @Test(arguments: typeNames)
    func randomMessagesRoundTrip(typeName: String) throws {
        let type = try #require(MessageRegistry.byName[typeName])
        var rng = SeededRandom(seed: 0x7A11 &+ UInt64(typeName.utf8.count))
        for iteration in 0..<400 {
            let message = ArbitraryMessages.make(type, using: &rng)
            try checkRoundTrip(message, iteration: iteration)
        }
    }

    private func checkRoundTrip<M: WireMessage>(_ message: M, iteration: Int) throws {
        let bytes = message.wireBytes()
        let decoded = try M(wireBytes: bytes, limits: .strict)
        #expect(decoded == message, "\(M.protoName) iteration \(iteration)")
        #expect(decoded.wireBytes() == bytes, "\(M.protoName) iteration \(iteration): not canonical")
    }

    @Test func everySampleRoundTrips() throws {
        for sample in MessageSamples.all {
            try checkRoundTrip(sample, iteration: 0)
        }
    }

    @Test func registryListsEveryMessageOfTheSchemaOnce() throws {
        let schema = try String(contentsOf: RepositoryPaths.proto.appendingPathComponent("tally.proto"), encoding: .utf8)
        let declared = schema.split(separator: "\n").compactMap { line -> String? in
            let words = line.split(separator: " ")
            guard words.count >= 2, words[0] == "message" else { return nil }
            return "tally.v1." + words[1]
        }
        #expect(Set(declared) == Set(MessageRegistry.all.map { $0.protoName }))
        #expect(declared.count == MessageRegistry.all.count)
    }
}
