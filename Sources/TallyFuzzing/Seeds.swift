import Foundation
import TallyCodec
import TallyDataset
import TallyModel
import TallyTestSupport

// The committed seed corpora (Fuzz/Corpus/<target>), made from real messages, files and
// exchanges; `make fuzz-seeds` writes them anew and the replay tests check they still run.

extension CodecFuzzing {
    /// Each sample message of `MessageSamples` as itself, and as a stream of envelopes (the message,
    /// compressed when that helps, then an end-of-stream status).
    public static func seeds() -> [(name: String, bytes: [UInt8])] {
        var seeds: [(String, [UInt8])] = []
        let framer = EnvelopeFramer(deflater: Deflater(), compressionThreshold: 0)
        for (index, sample) in MessageSamples.all.enumerated() {
            let sampleType = type(of: sample)
            guard let typeIndex = MessageRegistry.all.firstIndex(where: { ObjectIdentifier($0) == ObjectIdentifier(sampleType) }) else { continue }
            let selector = UInt8(typeIndex)
            let wire = sample.wireBytes()
            seeds.append(("\(index)-\(sampleType.protoName)-bare", [selector, 0] + wire))
            let stream = framer.frame(wire) + framer.frame(Status(code: .ok, message: "").wireBytes(), endOfStream: true)
            seeds.append(("\(index)-\(sampleType.protoName)-enveloped", [selector | 0x80, UInt8(truncatingIfNeeded: stream.count / 2)] + stream))
        }
        return seeds
    }
}

extension DatasetFuzzing {
    /// Figures of the embedded dataset rendered as files, and files wrong in the ways DATASET.md lists.
    public static func seeds() throws -> [(name: String, bytes: [UInt8])] {
        let figures = try EmbeddedDataset.load()
        let one = DatasetFile.render(Array(figures.prefix(1)))
        let three = DatasetFile.render(Array(figures.dropFirst(5).prefix(3)))
        let invalid: [(String, String)] = [
            ("not-a-mapping", "- just\n- a list\n"),
            ("figures-not-a-list", "figures: 3\n"),
            ("bad-yaml", "figures:\n  - id: [unclosed\n"),
            ("unknown-field", one.replacingFirst("measure:", with: "measrue:")),
            ("bad-period", one.replacingFirst("period: ", with: "period: 2025-13-01..")),
            ("bad-value", one.replacingFirst("value: \"", with: "value: \"about ")),
            ("duplicate-ids", DatasetFile.render([figures[0], figures[0]])),
        ]
        return [("one-figure", Array(one.utf8)), ("three-figures", Array(three.utf8))] + invalid.map { ($0.0, Array($0.1.utf8)) }
    }
}

extension String {
    fileprivate func replacingFirst(_ target: String, with replacement: String) -> String {
        guard let range = range(of: target) else { return self }
        return replacingCharacters(in: range, with: replacement)
    }
}
