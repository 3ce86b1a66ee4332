import Foundation
import Testing
import TallyConnectionFuzzing
import TallyFuzzing
import TallyTestSupport

/// Writes the seed corpora (Fuzz/Corpus/<target>) anew: `make fuzz-seeds` runs it with
/// `TALLY_FUZZ_WRITE_SEEDS=1`; otherwise it does nothing. A test rather than a tool, so that
/// regenerating needs only the build `make test` makes, not the sanitized one.
@Suite struct SeedCorpusWriter {
    static let enabled = ProcessInfo.processInfo.environment["TALLY_FUZZ_WRITE_SEEDS"] == "1"

    @Test(.enabled(if: enabled)) func writeSeedCorpora() async throws {
        let all: [(String, [(name: String, bytes: [UInt8])])] = [
            (CodecFuzzing.name, CodecFuzzing.seeds()), (DatasetFuzzing.name, try DatasetFuzzing.seeds()),
            (ServerFuzzing.name, try ServerFuzzing.seeds()), (ClientFuzzing.name, try await ClientFuzzing.seeds()),
        ]
        for (target, seeds) in all {
            let folder = FuzzReplayTests.corpus.appendingPathComponent(target)
            try? FileManager.default.removeItem(at: folder)
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            for seed in seeds { try Data(seed.bytes).write(to: folder.appendingPathComponent(seed.name)) }
            print("wrote \(seeds.count) \(target) seeds to \(folder.path)")
        }
    }
}
