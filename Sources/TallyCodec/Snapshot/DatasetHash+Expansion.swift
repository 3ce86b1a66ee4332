import Crypto

/// How an element becomes 1,024 lanes (Proto/PROTOCOL.md, "Dataset version and digest"):
///
///     seed    = SHA-256("tally-lthash16-v1-element" ‖ element)                   32 bytes
///     block_i = SHA-256(seed ‖ I2OSP(i, 4))   for i = 0 … 63                      32 bytes each
///     lanes   = block_0 ‖ … ‖ block_63, read as 1,024 little-endian UInt16       2,048 bytes
///
/// The second line is MGF1 with SHA-256 (RFC 8017, B.2.1), a standard mask generation function.
/// The paper wants a hash with 2,048 bytes of output; Folly uses BLAKE2b's XOF, which swift-crypto
/// does not have (nor SHAKE). Hash-then-expand is BLAKE2X's own structure: the element is read once,
/// into a 256-bit seed, and only the 36-byte seed blocks are hashed 64 times, so an update costs one
/// pass over the element plus 64 single-block compressions whatever the element's size. SHA-256
/// rather than SHA-512 because CPUs accelerate it (x86 SHA-NI, ARMv8 SHA2), and BoringSSL uses that.
///
/// Domain separation: the fixed tag before the element keeps these seeds apart from any other
/// SHA-256 the project computes (the checksum has its own tag); because the tag is fixed and the
/// element follows it to the end of the input, `tag ‖ element` is injective and needs no length
/// prefix. The element is the figure's canonical encoding, exactly as `Figure.wireBytes()` gives it.
extension DatasetHash {
    static let elementTag = Array("tally-lthash16-v1-element".utf8)
    static let checksumTag = Array("tally-lthash16-v1-checksum".utf8)

    /// 32-byte blocks of lanes per element: 64 × 32 bytes = the 2,048-byte state.
    static let blockCount = stateByteCount / SHA256.byteCount
    static let wordsPerBlock = SHA256.byteCount / 8

    /// Calls `body(i, block_i)` for the element's 64 blocks, in order.
    static func expand(_ element: UnsafeRawBufferPointer, _ body: (Int, UnsafeRawBufferPointer) -> Void) {
        var seedHasher = SHA256()
        elementTag.withUnsafeBytes { seedHasher.update(bufferPointer: $0) }
        seedHasher.update(bufferPointer: element)
        let seed = seedHasher.finalize()
        let seedCount = SHA256.byteCount
        withUnsafeTemporaryAllocation(byteCount: seedCount + 4, alignment: 8) { input in
            seed.withUnsafeBytes { input.copyMemory(from: $0) }
            for i in 0..<blockCount {
                input.storeBytes(of: UInt32(i).bigEndian, toByteOffset: seedCount, as: UInt32.self)
                var hasher = SHA256()
                hasher.update(bufferPointer: UnsafeRawBufferPointer(input))
                hasher.finalize().withUnsafeBytes { body(i, $0) }
            }
        }
    }
}
