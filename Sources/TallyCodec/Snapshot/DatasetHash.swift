import Crypto

/// The dataset's incremental digest: LtHash16, a homomorphic multiset hash (Bellare–Micciancio's
/// lattice hash as instantiated by Lewi et al., ePrint 2019/227, and in Folly as `LtHash<16, 1024>`).
///
/// The state is 1,024 lanes of 16 bits (2 KiB). An element (a figure's canonical encoding) is
/// expanded into 1,024 pseudo-random lanes (`DatasetHash+Expansion.swift`) that are *added* lane by
/// lane modulo 2^16 to include it and subtracted to take it out. Addition commutes, so the state
/// depends only on the multiset of elements, never on their order: adding, replacing or retracting
/// one figure costs one expansion (a SHA-256 pass over its encoding, then 2 KiB of AES-256-CTR
/// keystream), however large the dataset, and two states combine by adding them.
///
/// What users see and compare is the 32-byte `checksum`, SHA-256 over the state; the full state is
/// what is stored (`stateBytes`), because only the state can be updated further.
///
/// It detects accidental corruption and deltas applied incompletely or wrongly; it is not a
/// signature and proves nothing about a server that lies (Proto/PROTOCOL.md, "Dataset version and
/// digest", says exactly what is computed and what it protects against).
public struct DatasetHash: Sendable, Hashable {
    public static let laneCount = 1_024
    public static let laneBits = 16
    /// Bytes of `stateBytes`: every lane as 2 bytes, little-endian, lane 0 first.
    public static let stateByteCount = laneCount * laneBits / 8
    public static let checksumByteCount = 32

    static let wordCount = laneCount / lanesPerWord
    static let lanesPerWord = 4

    /// Four lanes per word: lane `4k + j` in bits `16j ..< 16j + 16` of word `k`, so on a
    /// little-endian machine the words' memory is exactly `stateBytes`.
    private var words: [UInt64]

    /// The hash of the empty multiset: every lane 0.
    public init() {
        words = Array(repeating: 0, count: Self.wordCount)
    }

    /// A state read back from `stateBytes` (e.g. a database column). Every 2,048-byte string is a
    /// state; nothing else is.
    public init(stateBytes bytes: some Collection<UInt8>) throws(StateError) {
        guard bytes.count == Self.stateByteCount else { throw .wrongLength(bytes.count) }
        // Arrays, slices and Data are read in place; anything else is copied once.
        words = bytes.withContiguousStorageIfAvailable { Self.words(from: UnsafeRawBufferPointer($0)) }
            ?? Array(bytes).withUnsafeBytes { Self.words(from: $0) }
    }

    private static func words(from bytes: UnsafeRawBufferPointer) -> [UInt64] {
        (0..<wordCount).map { UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: 8 * $0, as: UInt64.self)) }
    }

    public enum StateError: Error, Equatable, Sendable {
        /// A stored state must be exactly `stateByteCount` bytes; this many were given.
        case wrongLength(Int)
    }

    /// The state as stored: 1,024 lanes, each as 2 bytes little-endian, lane 0 first.
    public var stateBytes: [UInt8] {
        var bytes = [UInt8](repeating: 0, count: Self.stateByteCount)
        bytes.withUnsafeMutableBytes { out in
            for (k, word) in words.enumerated() {
                out.storeBytes(of: word.littleEndian, toByteOffset: 8 * k, as: UInt64.self)
            }
        }
        return bytes
    }

    /// The lanes as numbers, lane 0 first (for tests and diagnostics; `stateBytes` is the format).
    public var lanes: [UInt16] {
        words.flatMap { word in (0..<Self.lanesPerWord).map { UInt16(truncatingIfNeeded: word >> (16 * $0)) } }
    }

    /// What users see and compare: SHA-256 over the tag `tally-lthash16-v2-checksum` followed by
    /// `stateBytes`. 32 bytes; equal checksums mean equal states (up to SHA-256 collisions).
    public var checksum: [UInt8] {
        var hasher = SHA256()
        Self.checksumTag.withUnsafeBytes { hasher.update(bufferPointer: $0) }
        stateBytes.withUnsafeBytes { hasher.update(bufferPointer: $0) }
        return Array(hasher.finalize())
    }

    /// `checksum` in lower-case hex, as shown to users.
    public var checksumHex: String {
        let digits = Array("0123456789abcdef".utf8)
        return String(decoding: checksum.flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 0xF)]] }, as: UTF8.self)
    }

    // MARK: Elements

    /// Includes one element (one more occurrence, if it is already in).
    public mutating func add(element bytes: UnsafeRawBufferPointer) {
        words.withUnsafeMutableBufferPointer { state in
            Self.expand(bytes) { lanes in
                for k in 0..<Self.wordCount { state[k] = LaneArithmetic.add(state[k], Self.word(k, of: lanes)) }
            }
        }
    }

    /// Takes one occurrence of an element out. Removing what was never added is not detected
    /// here: the state then stands for a multiset with a negative count, and matches no dataset.
    public mutating func remove(element bytes: UnsafeRawBufferPointer) {
        words.withUnsafeMutableBufferPointer { state in
            Self.expand(bytes) { lanes in
                for k in 0..<Self.wordCount { state[k] = LaneArithmetic.subtract(state[k], Self.word(k, of: lanes)) }
            }
        }
    }

    public mutating func add(element bytes: [UInt8]) {
        bytes.withUnsafeBytes { add(element: $0) }
    }

    public mutating func remove(element bytes: [UInt8]) {
        bytes.withUnsafeBytes { remove(element: $0) }
    }

    /// A changed element: the old bytes out, the new ones in.
    public mutating func replace(element old: [UInt8], with new: [UInt8]) {
        remove(element: old)
        add(element: new)
    }

    /// The hash of the multiset holding just `bytes`.
    public static func of(element bytes: [UInt8]) -> DatasetHash {
        var hash = DatasetHash()
        hash.add(element: bytes)
        return hash
    }

    // MARK: Combining states

    /// The union (multiset sum) of both: e.g. a batch hashed apart, then added to the dataset's.
    public mutating func formSum(_ other: DatasetHash) {
        combine(other, LaneArithmetic.add)
    }

    /// Takes `other`'s elements out again: `(a + b) − b == a`.
    public mutating func formDifference(_ other: DatasetHash) {
        combine(other, LaneArithmetic.subtract)
    }

    public static func + (lhs: DatasetHash, rhs: DatasetHash) -> DatasetHash {
        var sum = lhs
        sum.formSum(rhs)
        return sum
    }

    public static func - (lhs: DatasetHash, rhs: DatasetHash) -> DatasetHash {
        var difference = lhs
        difference.formDifference(rhs)
        return difference
    }

    private mutating func combine(_ other: DatasetHash, _ operation: (UInt64, UInt64) -> UInt64) {
        other.words.withUnsafeBufferPointer { theirs in
            words.withUnsafeMutableBufferPointer { ours in
                for k in 0..<Self.wordCount { ours[k] = operation(ours[k], theirs[k]) }
            }
        }
    }

    @inline(__always)
    private static func word(_ w: Int, of lanes: UnsafeRawBufferPointer) -> UInt64 {
        UInt64(littleEndian: lanes.loadUnaligned(fromByteOffset: 8 * w, as: UInt64.self))
    }
}

extension DatasetHash: CustomStringConvertible {
    public var description: String { "DatasetHash(\(checksumHex))" }
}
