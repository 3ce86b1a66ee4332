import Testing
import TallyCodec
import TallyModel
import TallyTestSupport

/// The multiset properties LtHash promises, checked on random elements and on a dataset that goes
/// through publishes: the state depends only on the multiset, and incremental updates agree with a
/// recomputation from scratch.
@Suite struct DatasetHashTests {
    private func elements(_ count: Int, seed: UInt64) -> [[UInt8]] {
        var rng = SeededRandom(seed: seed)
        return (0..<count).map { _ in rng.bytes(Int.random(in: 0...1_200, using: &rng)) }
    }

    private func hash(_ elements: [[UInt8]]) -> DatasetHash {
        var hash = DatasetHash()
        for element in elements { hash.add(element: element) }
        return hash
    }

    @Test func theEmptySetIsAllZeroLanes() {
        let empty = DatasetHash()
        #expect(empty.lanes == Array(repeating: 0, count: 1_024))
        #expect(empty.stateBytes == Array(repeating: 0, count: DatasetHash.stateByteCount))
        #expect(empty.checksum.count == 32)
        #expect(empty.checksumHex.count == 64)
    }

    @Test func orderDoesNotMatter() {
        var rng = SeededRandom(seed: 1)
        let all = elements(60, seed: 2)
        let reference = hash(all)
        for _ in 0..<5 {
            #expect(hash(all.shuffled(using: &rng)) == reference)
        }
        #expect(reference.checksum != DatasetHash().checksum)
    }

    @Test func addThenRemoveReturnsToThePreviousState() {
        var rng = SeededRandom(seed: 3)
        var state = hash(elements(20, seed: 4))
        for element in elements(30, seed: 5) {
            let before = state
            state.add(element: element)
            #expect(state != before)
            state.remove(element: element)
            #expect(state == before)
            // The other way round as well, and a replace that changes nothing.
            state.remove(element: element)
            state.add(element: element)
            #expect(state == before)
            state.replace(element: element, with: element)
            #expect(state == before)
            if rng.chance(0.5) { state.add(element: element) }
        }
    }

    @Test func combiningEqualsAddingOneByOne() {
        let a = elements(25, seed: 6), b = elements(25, seed: 7)
        let union = hash(a + b)
        #expect(hash(a) + hash(b) == union)
        #expect(hash(b) + hash(a) == union)
        #expect(union - hash(b) == hash(a))
        var combined = hash(a)
        combined.formSum(hash(b))
        #expect(combined == union)
        combined.formDifference(hash(a))
        #expect(combined == hash(b))
        #expect(DatasetHash.of(element: a[0]) == hash([a[0]]))
    }

    @Test func aMultisetCountsRepeats() {
        let x = elements(1, seed: 8)[0]
        #expect(hash([x, x]) != hash([x]))
        #expect(hash([x, x]) - hash([x]) == hash([x]))
    }

    @Test func differentElementsDiffer() {
        let all = elements(200, seed: 9) + [[], [0], [0, 0], [1]]
        let checksums = Set(all.map { DatasetHash.of(element: $0).checksum })
        #expect(checksums.count == Set(all).count)
    }

    @Test func theStateRoundTripsThroughItsBytes() throws {
        let state = hash(elements(10, seed: 10))
        let bytes = state.stateBytes
        #expect(bytes.count == 2_048)
        #expect(try DatasetHash(stateBytes: bytes) == state)
        #expect(try DatasetHash(stateBytes: bytes[...]) == state)
        // Lane i is bytes 2i (low) and 2i + 1 (high).
        let lanes = state.lanes
        for i in [0, 1, 3, 4, 511, 1_023] {
            #expect(lanes[i] == UInt16(bytes[2 * i]) | UInt16(bytes[2 * i + 1]) << 8)
        }
        #expect(throws: DatasetHash.StateError.wrongLength(2_047)) { try DatasetHash(stateBytes: bytes.dropLast()) }
        #expect(throws: DatasetHash.StateError.wrongLength(0)) { try DatasetHash(stateBytes: [UInt8]()) }
    }

    /// A dataset that goes through publishes of new figures, changed figures (a new revision and
    /// value) and retractions; after each, the incrementally kept hash equals the one from scratch.
    @Test func theIncrementalDigestOfADatasetEqualsTheDigestFromScratch() {
        var rng = SeededRandom(seed: 11)
        var dataset = Dictionary(uniqueKeysWithValues: SyntheticFigures.make(count: 300, seed: 12).map { ($0.id, $0) })
        var incremental = DatasetHash(figures: dataset.values)
        let fresh = SyntheticFigures.make(count: 200, prefix: "new", seed: 13)
        for publish in 0..<20 {
            for figure in fresh[(publish * 10)..<(publish * 10 + 10)] {
                dataset[figure.id] = figure
                incremental.add(figure)
            }
            for id in dataset.keys.sorted().shuffled(using: &rng).prefix(5) {
                let old = dataset[id]!
                var new = old
                new.revision += 1
                new.value = .exact(Int64.random(in: 0...20_000, using: &rng))
                dataset[id] = new
                incremental.replace(old, with: new)
            }
            for id in dataset.keys.sorted().shuffled(using: &rng).prefix(3) {
                incremental.remove(dataset.removeValue(forKey: id)!)
            }
            #expect(incremental == DatasetHash(figures: dataset.values.shuffled(using: &rng)), "after publish \(publish)")
        }
    }
}
