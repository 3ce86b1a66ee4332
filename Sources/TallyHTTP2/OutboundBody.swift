/// A stream's body bytes waiting for nghttp2 to send them (as flow control allows), and how the
/// body ends.
struct OutboundBody {
    private var buffer: [UInt8] = []
    private var readIndex = 0
    /// The writer has finished; `trailers` (possibly empty) follow the last byte.
    var isFinished = false
    var trailers: [HTTP2HeaderField] = []
    /// nghttp2 was told DEFERRED and must be resumed when bytes or the end arrive.
    var isDeferred = false

    var bufferedCount: Int { buffer.count - readIndex }

    mutating func append(_ bytes: [UInt8]) {
        if readIndex == buffer.count {
            buffer = bytes
            readIndex = 0
        } else {
            buffer.append(contentsOf: bytes)
        }
    }

    /// Copies up to `capacity` bytes into `destination`; returns how many.
    mutating func read(into destination: UnsafeMutablePointer<UInt8>, capacity: Int) -> Int {
        let count = min(capacity, bufferedCount)
        guard count > 0 else { return 0 }
        buffer.withUnsafeBufferPointer { source in
            destination.update(from: source.baseAddress! + readIndex, count: count)
        }
        readIndex += count
        if readIndex == buffer.count {
            buffer.removeAll(keepingCapacity: buffer.capacity <= 64 << 10)
            readIndex = 0
        } else if readIndex > 64 << 10 && readIndex * 2 > buffer.count {
            buffer.removeFirst(readIndex)
            readIndex = 0
        }
        return count
    }
}
