import Foundation
import Testing
import TallyFuzzing
import TallyConnectionFuzzing
import TallyTestSupport

/// The fuzz targets' inputs replayed through the same entry points, without sanitizers: the
/// committed seed corpora (so a change that breaks a target's input format shows here, not in a
/// fuzz run nobody reads), and every input that once crashed a target or leaked (`Crashes/`,
/// each with the fix it checks named in `Crashes/README.md`).
@Suite(.timeLimit(.minutes(5))) struct FuzzReplayTests {
    static let corpus = RepositoryPaths.root.appendingPathComponent("Fuzz/Corpus")
    static let crashes = RepositoryPaths.root.appendingPathComponent("Tests/TallyFuzzingTests/Crashes")
    static let targets = [CodecFuzzing.name, DatasetFuzzing.name, ServerFuzzing.name, ClientFuzzing.name]

    @Test(arguments: targets)
    func seedCorpusReplays(target: String) async throws {
        let inputs = try Self.inputs(in: Self.corpus.appendingPathComponent(target))
        #expect(inputs.count >= 5, "the \(target) corpus has \(inputs.count) inputs")
        for (name, bytes) in inputs {
            let finding = await Self.replay(target, bytes)
            #expect(finding == nil, "\(target)/\(name): \(finding.map(String.init(describing:)) ?? "")")
        }
    }

    @Test(arguments: targets)
    func inputsThatOnceCrashedReplay(target: String) async throws {
        let folder = Self.crashes.appendingPathComponent(target)
        guard FileManager.default.fileExists(atPath: folder.path) else { return }
        for (name, bytes) in try Self.inputs(in: folder) {
            let finding = await Self.replay(target, bytes)
            #expect(finding == nil, "\(target)/\(name): \(finding.map(String.init(describing:)) ?? "")")
        }
    }

    /// The committed seeds are the ones the generator makes today, so `make fuzz-seeds` would not
    /// silently change them (the recorded server answers are compared by name only: they carry
    /// timestamps and heartbeats).
    @Test func committedSeedsAreTheGeneratedOnes() async throws {
        let generated: [(String, [(name: String, bytes: [UInt8])])] = [
            (CodecFuzzing.name, CodecFuzzing.seeds()), (DatasetFuzzing.name, try DatasetFuzzing.seeds()),
            (ServerFuzzing.name, try ServerFuzzing.seeds()),
        ]
        for (target, seeds) in generated {
            let committed = Dictionary(uniqueKeysWithValues: try Self.inputs(in: Self.corpus.appendingPathComponent(target)))
            for seed in seeds {
                #expect(committed[seed.name] == seed.bytes, "\(target)/\(seed.name) differs from the generated seed: run make fuzz-seeds")
            }
        }
        let clientNames = Set(try Self.inputs(in: Self.corpus.appendingPathComponent(ClientFuzzing.name)).map(\.0))
        for call in ClientFuzzing.Call.allCases {
            #expect(clientNames.contains("\(call)"), "no client seed for \(call)")
        }
    }

    static func replay(_ target: String, _ bytes: [UInt8]) async -> FuzzFinding? {
        switch target {
        case CodecFuzzing.name: CodecFuzzing.run(bytes)
        case DatasetFuzzing.name: DatasetFuzzing.run(bytes)
        case ServerFuzzing.name: await ServerFuzzing.serve(bytes)
        default: await ClientFuzzing.call(bytes)
        }
    }

    /// Every file of `folder` but its README, by name.
    static func inputs(in folder: URL) throws -> [(String, [UInt8])] {
        try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
            .filter { !$0.hasPrefix(".") && $0 != "README.md" }
            .map { ($0, Array(try Data(contentsOf: folder.appendingPathComponent($0)))) }
    }
}
