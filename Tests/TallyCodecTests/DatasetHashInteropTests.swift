import Foundation
import Testing
import TallyCodec
import TallyModel
import TallyTestSupport

/// `Proto/vectors/lthash16.json`, written by the Python reference (`Tests/Interop/lthash_peer.py
/// vectors`, from the paper and Proto/PROTOCOL.md, sharing no code with Tally): what it says the
/// construction gives for the empty set, two expansions and a few op sequences.
struct LtHashVectors: Decodable {
    struct Expansion: Decodable {
        var element_hex: String
        var lanes_hex: String
    }

    struct OpSet: Decodable {
        var name: String
        var ops: [[String]]
        var state_hex: String
        var checksum_hex: String
    }

    struct Empty: Decodable {
        var state_hex: String
        var checksum_hex: String
    }

    var empty: Empty
    var expansions: [Expansion]
    var sets: [OpSet]

    static func load() throws -> LtHashVectors {
        let data = try Data(contentsOf: RepositoryPaths.vectors.appendingPathComponent("lthash16.json"))
        return try JSONDecoder().decode(LtHashVectors.self, from: data)
    }
}

func hexBytes(_ hex: String) -> [UInt8] {
    var bytes: [UInt8] = []
    var index = hex.startIndex
    while index < hex.endIndex {
        let next = hex.index(index, offsetBy: 2)
        bytes.append(UInt8(hex[index..<next], radix: 16)!)
        index = next
    }
    return bytes
}

func hexString(_ bytes: [UInt8]) -> String {
    let digits = Array("0123456789abcdef")
    return String(bytes.flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 0xF)]] })
}

/// Applies `[["add" | "remove", hex], ...]` from the empty set.
func replay(_ ops: [[String]]) -> DatasetHash {
    var hash = DatasetHash()
    for op in ops {
        op[0] == "add" ? hash.add(element: hexBytes(op[1])) : hash.remove(element: hexBytes(op[1]))
    }
    return hash
}

@Suite struct DatasetHashVectorTests {
    @Test func theEmptySet() throws {
        let vectors = try LtHashVectors.load()
        #expect(hexString(DatasetHash().stateBytes) == vectors.empty.state_hex)
        #expect(DatasetHash().checksumHex == vectors.empty.checksum_hex)
    }

    @Test func expansions() throws {
        for expansion in try LtHashVectors.load().expansions {
            #expect(hexString(DatasetHash.of(element: hexBytes(expansion.element_hex)).stateBytes) == expansion.lanes_hex,
                    "element \(expansion.element_hex)")
        }
    }

    @Test func opSequences() throws {
        let vectors = try LtHashVectors.load()
        #expect(vectors.sets.count >= 8)
        for set in vectors.sets {
            let hash = replay(set.ops)
            #expect(hexString(hash.stateBytes) == set.state_hex, "\(set.name)")
            #expect(hash.checksumHex == set.checksum_hex, "\(set.name)")
        }
    }

    /// The golden figures' vector, computed from figures decoded by Tally: the digest of a dataset
    /// is over the bytes `Figure.wireBytes()` gives.
    @Test func theGoldenFiguresAsADataset() throws {
        let vectors = try LtHashVectors.load()
        let set = try #require(vectors.sets.first { $0.name.hasPrefix("the golden figures") })
        let figures = try ["figure.bin", "unknown-enum-figure.bin"].map { name in
            try Figure(wireBytes: [UInt8](Data(contentsOf: RepositoryPaths.vectors.appendingPathComponent(name))))
        }
        #expect(DatasetHash(figures: figures).checksumHex == set.checksum_hex)
    }
}

/// The live peer: random elements (some of them real figure encodings) and random adds and
/// removes, replayed by the Python reference, which also checks its lane arithmetic against the
/// `lthash` package; the checksum after every op and the final state must match.
@Suite(.enabled(if: Peers.pythonTestsEnabled, "needs TALLY_PYTHON (make test sets it)"))
struct DatasetHashPythonTests {
    let peer = RepositoryPaths.root.appendingPathComponent("Tests/Interop/lthash_peer.py").path

    @Test func pythonReplaysTheSameHashes() throws {
        let python = try #require(Peers.python, "TALLY_REQUIRE_PEERS=1 but TALLY_PYTHON is not set")
        var rng = SeededRandom(seed: 2019_227)
        var pool: [[UInt8]] = SyntheticFigures.make(count: 40, seed: 5).map { $0.wireBytes() }
        pool += (0..<40).map { _ in rng.bytes(Int.random(in: 0...1_500, using: &rng)) } + [[]]
        var ops: [[String]] = []
        var present: [[UInt8]] = []
        var expected = DatasetHash()
        var checksums: [String] = []
        for _ in 0..<300 {
            if !present.isEmpty && rng.chance(0.35) {
                let element = present.remove(at: Int.random(in: 0..<present.count, using: &rng))
                ops.append(["remove", hexString(element)])
                expected.remove(element: element)
            } else {
                let element = pool.randomElement(using: &rng)!
                present.append(element)
                ops.append(["add", hexString(element)])
                expected.add(element: element)
            }
            checksums.append(expected.checksumHex)
        }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("tally-lthash-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: file) }
        try JSONSerialization.data(withJSONObject: ["ops": ops]).write(to: file)

        let result = try runProcess(python, [peer, "replay", file.path])
        try #require(result.status == 0, "\(result.stderr)")
        let answer = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(answer["checksums"] as? [String] == checksums)
        #expect(answer["state_hex"] as? String == hexString(expected.stateBytes))
        #expect(answer["checksum_hex"] as? String == expected.checksumHex)
        // The pinned venv has the lthash package, so its arithmetic was consulted.
        #expect(answer["lthash_package"] as? String == "agrees")
    }
}
