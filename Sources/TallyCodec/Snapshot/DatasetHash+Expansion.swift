import Crypto
import _CryptoExtras
import Foundation

/// How an element becomes 1,024 lanes (Proto/PROTOCOL.md, "Dataset version and digest"):
///
///     key    = SHA-256("tally-lthash16-v2-element" ‖ element)                      32 bytes
///     lanes  = AES-256-CTR keystream under `key`, initial counter block 16 zero bytes,
///              its first 2,048 bytes read as 1,024 little-endian UInt16             2,048 bytes
///
/// Hash-then-expand is BLAKE2X's structure, which Folly's LtHash uses: the element is read once,
/// into a 256-bit seed, and the seed drives a pseudo-random generator for the lanes. The generator
/// here is AES-256 in counter mode (swift-crypto's `_CryptoExtras`, BoringSSL with AES-NI): the
/// 2 KiB of lanes cost about as much as the SHA-256 pass over the element, where 64 SHA-256 blocks
/// (MGF1, the first version of this construction) cost fifteen times as much, and a full sync
/// computes the hash of every figure it receives (a million, in the benchmark). swift-crypto has
/// no SHAKE or BLAKE2 XOF. AES-CTR under a key that is a hash of the element is a PRF of the element
/// whatever the element is (standard assumptions: SHA-256 as a random oracle, AES as a PRP).
///
/// Domain separation: the fixed tag before the element keeps these keys apart from any other
/// SHA-256 the project computes (the checksum has its own tag); because the tag is fixed and the
/// element follows it to the end of the input, `tag ‖ element` is injective and needs no length
/// prefix. The element is the figure's canonical encoding, exactly as `Figure.wireBytes()` gives it.
extension DatasetHash {
    static let elementTag = Array("tally-lthash16-v2-element".utf8)
    static let checksumTag = Array("tally-lthash16-v2-checksum".utf8)

    private static let zeros = [UInt8](repeating: 0, count: stateByteCount)
    // A 16-byte counter block of zeros: the keystream's first block is AES(key, 0^128).
    private static let counterBlock = try! AES._CTR.Nonce(nonceBytes: [UInt8](repeating: 0, count: 16))

    /// Calls `body` with the element's 2,048 bytes of lanes.
    static func expand(_ element: UnsafeRawBufferPointer, _ body: (UnsafeRawBufferPointer) -> Void) {
        var seedHasher = SHA256()
        elementTag.withUnsafeBytes { seedHasher.update(bufferPointer: $0) }
        seedHasher.update(bufferPointer: element)
        let key = SymmetricKey(data: seedHasher.finalize())
        // Cannot throw: the key is 32 bytes and the counter block 16.
        let lanes = try! AES._CTR.encrypt(zeros, using: key, nonce: counterBlock)
        lanes.withUnsafeBytes(body)
    }
}
