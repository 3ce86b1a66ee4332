import Foundation
import Testing
import TallyCodec
import TallyModel
import TallyTestSupport

/// The vectors in Proto/vectors were written by hand as protobuf text and turned into bytes by
/// Python's protobuf (`make vectors`), not by Tally: decoding them checks the codec against an
/// independent encoder, and re-encoding must reproduce them byte for byte.
@Suite struct GoldenVectorTests {
    static let expected: [String: any WireMessage] = [
        "figure": MessageSamples.figure,
        "total": MessageSamples.total,
        "status": Status(code: .invalidArgument, message: "publish batch rejected",
                         violations: [FieldViolation(field: "figures[0].value", description: "negative")],
                         retryAfterMilliseconds: 250),
        "change-retracted": Change(version: 8, kind: .retracted(id: "mz-2024-06-ru-total")),
        "health": MessageSamples.health,
        "edge-values": Quantity(qualifier: .unrecognized(9), low: .min, high: .max),
        "unknown-enum-figure": Figure(id: "x", kind: .unrecognized(-1)),
    ]

    static let names: [String] = {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: RepositoryPaths.vectors.path)) ?? []
        return files.filter { $0.hasSuffix(".txtpb") }.map { String($0.dropLast(".txtpb".count)) }.sorted()
    }()

    @Test func everyVectorHasAnExpectedValue() {
        #expect(Set(Self.names) == Set(Self.expected.keys))
    }

    @Test(arguments: names)
    func vectorDecodesToExpectedValueAndReEncodesByteForByte(name: String) throws {
        let bytes = try [UInt8](Data(contentsOf: RepositoryPaths.vectors.appendingPathComponent("\(name).bin")))
        let expected = try #require(Self.expected[name])
        try check(expected, bytes)
    }

    private func check<M: WireMessage>(_ expected: M, _ bytes: [UInt8]) throws {
        let decoded = try M(wireBytes: bytes, limits: .strict)
        #expect(decoded == expected)
        #expect(expected.wireBytes() == bytes)
    }

    static func envelopeVectors() throws -> [String: [UInt8]] {
        let text = try String(contentsOf: RepositoryPaths.vectors.appendingPathComponent("envelopes.txt"), encoding: .utf8)
        var vectors: [String: [UInt8]] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            let parts = line.split(separator: ":", maxSplits: 1)
            guard parts.count == 2 else { continue }
            vectors[String(parts[0])] = parts[1].split(separator: " ").map { UInt8($0, radix: 16)! }
        }
        return vectors
    }

    @Test func envelopeVectors() throws {
        let vectors = try Self.envelopeVectors()
        let framer = EnvelopeFramer()
        #expect(framer.frame(Status(code: .notFound), endOfStream: true) == vectors["end-of-stream-not-found"])
        #expect(framer.frame(HealthRequest()) == vectors["empty-message"])
        #expect(framer.frame(Status.ok, endOfStream: true) == vectors["end-of-stream-ok"])

        var deframer = EnvelopeDeframer(inflater: Inflater())
        deframer.append(try #require(vectors["compressed-end-of-stream"]))
        let envelope = try #require(try deframer.next())
        #expect(envelope.flags == [.compressed, .endOfStream])
        #expect(try Status(wireBytes: envelope.payload) == Status(code: .internal, message: String(repeating: "a", count: 1_200)))
    }
}
