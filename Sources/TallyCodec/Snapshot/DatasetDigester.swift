import Crypto

/// The dataset digest: SHA-256 over the figures in ascending id order (UTF-8 bytes), each fed as a
/// varint length followed by its canonical encoding (Proto/PROTOCOL.md, "Dataset version and
/// digest"). The server computes it from its store, a client from the snapshot it received: the
/// same bytes in the same order, so equal digests mean equal datasets. Checking a delta with it means
/// re-reading the dataset; `DatasetHash` (LtHash16) is the incremental digest specified to replace it.
public struct DatasetDigester: Sendable {
    private var hasher = SHA256()

    public init() {}

    /// Adds the next figure's canonical encoding; callers feed figures in ascending id order.
    public mutating func add(encodedFigure bytes: UnsafeRawBufferPointer) {
        var prefix: [UInt8] = []
        var v = UInt64(bytes.count)
        while v >= 0x80 {
            prefix.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        prefix.append(UInt8(v))
        hasher.update(data: prefix)
        hasher.update(bufferPointer: bytes)
    }

    public mutating func add(encodedFigure bytes: [UInt8]) {
        bytes.withUnsafeBytes { add(encodedFigure: $0) }
    }

    public func finalize() -> [UInt8] { Array(hasher.finalize()) }

    /// The digest of figures given as values (encoded canonically, sorted by id here).
    public static func digest(of figures: [some WireMessage & Identifiable<String>]) -> [UInt8] {
        var digester = DatasetDigester()
        for figure in figures.sorted(by: { $0.id.utf8.lexicographicallyPrecedes($1.id.utf8) }) {
            digester.add(encodedFigure: figure.wireBytes())
        }
        return digester.finalize()
    }
}
