/// Lane-wise arithmetic modulo 2^16 on four 16-bit lanes packed in a `UInt64` (lane 0 in the low
/// bits), the SWAR trick Folly's LtHash uses: the top bit of every lane is kept out of the carry
/// chain, so no carry or borrow crosses from one lane into the next, and is put back with an XOR.
///
/// Plain integer operations rather than `SIMD` types: the same code is fast in debug builds (tests
/// run thousands of updates) and LLVM vectorises the loops over words in release builds.
enum LaneArithmetic {
    /// The top bit of each of the four lanes.
    static let laneTopBits: UInt64 = 0x8000_8000_8000_8000

    /// `a + b`, lane by lane, modulo 2^16. Each lane's low 15 bits are at most 0x7FFF, so their sum
    /// fits the lane; its top bit is then the XOR of both top bits and that carry.
    @inline(__always)
    static func add(_ a: UInt64, _ b: UInt64) -> UInt64 {
        ((a & ~laneTopBits) &+ (b & ~laneTopBits)) ^ ((a ^ b) & laneTopBits)
    }

    /// `a − b`, lane by lane, modulo 2^16. Setting each lane's top bit in `a` and clearing it in `b`
    /// keeps every lane's difference non-negative, so no borrow leaves a lane; the XOR restores the
    /// top bit the true difference has (a₁₅ ⊕ b₁₅ ⊕ borrow).
    @inline(__always)
    static func subtract(_ a: UInt64, _ b: UInt64) -> UInt64 {
        ((a | laneTopBits) &- (b & ~laneTopBits)) ^ ((a ^ ~b) & laneTopBits)
    }

    /// `0 − a`, lane by lane, modulo 2^16.
    @inline(__always)
    static func negate(_ a: UInt64) -> UInt64 { subtract(0, a) }
}
