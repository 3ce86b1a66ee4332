import Testing
@testable import TallyCodec
import TallyTestSupport

/// The packed four-lane arithmetic against the obvious one-lane-at-a-time version, on random words
/// and on the carries and borrows at every lane boundary.
@Suite struct LaneArithmeticTests {
    private func lanes(_ word: UInt64) -> [UInt16] {
        (0..<4).map { UInt16(truncatingIfNeeded: word >> (16 * $0)) }
    }

    private func word(_ lanes: [UInt16]) -> UInt64 {
        lanes.enumerated().reduce(0) { $0 | UInt64($1.element) << (16 * $1.offset) }
    }

    private var samples: [(UInt64, UInt64)] {
        var rng = SeededRandom(seed: 16)
        let edges: [UInt64] = [0, .max, 0x8000_8000_8000_8000, 0x7FFF_7FFF_7FFF_7FFF, 0xFFFF_0000_FFFF_0000, 1, 0x0001_0001_0001_0001]
        return edges.flatMap { a in edges.map { (a, $0) } } + (0..<10_000).map { _ in (rng.next(), rng.next()) }
    }

    @Test func addIsLaneWiseModulo65536() {
        for (a, b) in samples {
            #expect(LaneArithmetic.add(a, b) == word(zip(lanes(a), lanes(b)).map { $0 &+ $1 }), "\(a) + \(b)")
        }
    }

    @Test func subtractIsLaneWiseModulo65536() {
        for (a, b) in samples {
            #expect(LaneArithmetic.subtract(a, b) == word(zip(lanes(a), lanes(b)).map { $0 &- $1 }), "\(a) - \(b)")
        }
    }

    @Test func negateUndoesAdd() {
        for (a, b) in samples {
            #expect(LaneArithmetic.add(LaneArithmetic.add(a, b), LaneArithmetic.negate(b)) == a)
        }
    }
}
