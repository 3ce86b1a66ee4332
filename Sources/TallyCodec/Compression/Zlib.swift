internal import CZlib

/// Why a compressed payload was refused.
public enum CompressionError: Error, Equatable, Sendable {
    /// zlib rejected the data (bad header, bad checksum, invalid block); carries zlib's message.
    case corrupt(String)
    /// The compressed stream ended before its end marker.
    case truncated
    /// Bytes follow the end of the compressed stream.
    case trailingGarbage(byteCount: Int)
    /// Inflating would exceed `limit` bytes (the absolute cap, or the ratio cap times the input size).
    case inflatedTooLarge(limit: Int)
    /// zlib could not allocate its state.
    case outOfMemory
}

/// A heap-allocated `z_stream`: zlib keeps pointers into it, so it must never move.
final class ZStream {
    let pointer: UnsafeMutablePointer<z_stream>

    init() {
        pointer = .allocate(capacity: 1)
        pointer.initialize(to: z_stream())
    }

    deinit {
        pointer.deinitialize(count: 1)
        pointer.deallocate()
    }

    var message: String {
        pointer.pointee.msg.map { String(cString: $0) } ?? "unknown zlib error"
    }
}

/// Compresses whole messages in the zlib format (RFC 1950). Each message starts from a fresh
/// compression state (`deflateReset`), so a message never depends on an earlier one: a receiver can
/// inflate any message alone, and no dictionary grows across a connection.
public final class Deflater {
    private let stream = ZStream()

    /// - Parameter level: zlib level, 1 (fastest) to 9 (smallest); 6 is zlib's default trade-off.
    public init(level: Int32 = 6) {
        // windowBits 15: zlib header and Adler-32 trailer. Fails only without memory.
        let status = CZlib_deflateInit2(stream.pointer, level, 15)
        precondition(status == Z_OK, "deflateInit2 failed: \(status)")
    }

    deinit { deflateEnd(stream.pointer) }

    public func compress(_ input: UnsafeRawBufferPointer) -> [UInt8] {
        deflateReset(stream.pointer)
        let bound = Int(deflateBound(stream.pointer, uLong(input.count)))
        return [UInt8](unsafeUninitializedCapacity: bound) { output, initialized in
            let z = stream.pointer
            z.pointee.next_in = UnsafeMutablePointer(mutating: input.baseAddress?.assumingMemoryBound(to: Bytef.self))
            z.pointee.avail_in = uInt(input.count)
            z.pointee.next_out = output.baseAddress
            z.pointee.avail_out = uInt(bound)
            let status = deflate(z, Z_FINISH)
            // deflateBound guarantees room for a single Z_FINISH call.
            precondition(status == Z_STREAM_END, "deflate with deflateBound output returned \(status)")
            initialized = bound - Int(z.pointee.avail_out)
            z.pointee.next_in = nil
            z.pointee.next_out = nil
        }
    }

    public func compress(_ input: [UInt8]) -> [UInt8] {
        input.withUnsafeBytes { compress($0) }
    }
}

/// Inflates whole zlib messages with bounded output.
///
/// The output grows in steps and the running total is checked before each step, so a compression
/// bomb costs at most the limit in memory, never its inflated size.
public final class Inflater {
    /// Largest output, in bytes, whatever the input.
    public let maxInflatedSize: Int
    /// Largest output as a multiple of the input size.
    public let maxRatio: Int
    private let stream = ZStream()
    /// Capacity of the largest output buffer allocated so far (for tests of the bound).
    private(set) var peakOutputCapacity = 0

    public init(maxInflatedSize: Int = 4 << 20, maxRatio: Int = 100) {
        self.maxInflatedSize = maxInflatedSize
        self.maxRatio = maxRatio
        let status = CZlib_inflateInit2(stream.pointer, 15)
        precondition(status == Z_OK, "inflateInit2 failed: \(status)")
    }

    deinit { inflateEnd(stream.pointer) }

    public func decompress(_ input: [UInt8]) throws(CompressionError) -> [UInt8] {
        let result: Result<[UInt8], CompressionError> = input.withUnsafeBytes { buffer in
            Result { () throws(CompressionError) -> [UInt8] in try decompress(buffer) }
        }
        return try result.get()
    }

    public func decompress(_ input: UnsafeRawBufferPointer) throws(CompressionError) -> [UInt8] {
        // A zero-length payload is an empty message; it is never handed to zlib.
        guard input.count > 0 else { return [] }
        let (ratioLimit, overflow) = input.count.multipliedReportingOverflow(by: maxRatio)
        let limit = overflow ? maxInflatedSize : min(maxInflatedSize, ratioLimit)

        inflateReset(stream.pointer)
        let z = stream.pointer
        z.pointee.next_in = UnsafeMutablePointer(mutating: input.baseAddress!.assumingMemoryBound(to: Bytef.self))
        z.pointee.avail_in = uInt(input.count)
        defer {
            z.pointee.next_in = nil
            z.pointee.next_out = nil
        }

        // One byte more than the limit, so that reaching the limit exactly is not mistaken for exceeding it.
        var capacity = min(limit + 1, max(4 * input.count, 1024))
        var output = [UInt8](repeating: 0, count: capacity)
        var produced = 0
        while true {
            let status: Int32 = output.withUnsafeMutableBufferPointer { buffer in
                z.pointee.next_out = buffer.baseAddress! + produced
                z.pointee.avail_out = uInt(capacity - produced)
                let status = inflate(z, Z_NO_FLUSH)
                produced = capacity - Int(z.pointee.avail_out)
                return status
            }
            peakOutputCapacity = max(peakOutputCapacity, capacity)
            switch status {
            case Z_STREAM_END:
                guard produced <= limit else { throw .inflatedTooLarge(limit: limit) }
                if z.pointee.avail_in > 0 { throw .trailingGarbage(byteCount: Int(z.pointee.avail_in)) }
                output.removeLast(capacity - produced)
                return output
            case Z_OK, Z_BUF_ERROR:
                if produced < capacity {
                    // Output room is left, so zlib stopped for want of input: the stream is cut short.
                    guard status == Z_OK, z.pointee.avail_in > 0 else { throw .truncated }
                    continue
                }
                guard capacity <= limit else { throw .inflatedTooLarge(limit: limit) }
                capacity = min(limit + 1, capacity * 2)
                output.append(contentsOf: repeatElement(0, count: capacity - output.count))
            case Z_MEM_ERROR:
                throw .outOfMemory
            default:
                // Z_DATA_ERROR, Z_NEED_DICT (preset dictionaries are not part of the protocol), Z_STREAM_ERROR.
                throw .corrupt(status == Z_NEED_DICT ? "preset dictionary required" : stream.message)
            }
        }
    }
}
