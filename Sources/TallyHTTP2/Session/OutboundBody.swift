import NIOCore

/// A stream's body bytes waiting for nghttp2 to send them (as flow control allows), and how the
/// body ends. Chunks are `ByteBuffer`s, so a prepared answer's body is shared, not copied, until
/// nghttp2 copies it into a DATA frame.
struct OutboundBody {
    /// The chunk being sent, kept inline: a prepared answer is one chunk, and needs no array.
    private var current: ByteBuffer?
    private var queued: [ByteBuffer] = []
    private var head = 0
    private(set) var bufferedCount = 0
    /// The writer has finished; trailers (if any) follow the last byte.
    var isFinished = false
    var trailers: Trailers = .none
    /// nghttp2 was told DEFERRED and must be resumed when bytes or the end arrive.
    var isDeferred = false

    enum Trailers {
        case none
        case fields([HTTP2HeaderField])
        case prepared(HTTP2PreparedHeaders)

        var isEmpty: Bool {
            switch self {
            case .none: true
            case .fields(let fields): fields.isEmpty
            case .prepared: false
            }
        }
    }

    init() {}

    init(finished body: ByteBuffer, trailers: Trailers) {
        if body.readableBytes > 0 {
            current = body
            bufferedCount = body.readableBytes
        }
        isFinished = true
        self.trailers = trailers
    }

    mutating func append(_ bytes: ByteBuffer) {
        guard bytes.readableBytes > 0 else { return }
        if current == nil { current = bytes } else { queued.append(bytes) }
        bufferedCount += bytes.readableBytes
    }

    /// Copies up to `capacity` bytes into `destination`; returns how many.
    mutating func read(into destination: UnsafeMutablePointer<UInt8>, capacity: Int) -> Int {
        var copied = 0
        while copied < capacity, var chunk = current {
            current = nil  // one owner while the reader index moves
            let count = min(capacity - copied, chunk.readableBytes)
            chunk.withUnsafeReadableBytes { source in
                UnsafeMutableRawPointer(destination + copied).copyMemory(from: source.baseAddress!, byteCount: count)
            }
            chunk.moveReaderIndex(forwardBy: count)
            copied += count
            if chunk.readableBytes > 0 {
                current = chunk
            } else if head < queued.count {
                current = queued[head]
                head += 1
                if head == queued.count {
                    queued.removeAll(keepingCapacity: true)
                    head = 0
                }
            }
        }
        bufferedCount -= copied
        return copied
    }
}
