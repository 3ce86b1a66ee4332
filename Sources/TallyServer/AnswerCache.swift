import Synchronization
import TallyCodec
import TallyHTTP2

/// Prepared responses by question, for one dataset version.
///
/// The key is the request's exact payload bytes with the method and the response encoding: the
/// same bytes ask the same question of the same dataset, so the answer is the same. Looking up
/// needs no decoding and no allocation (the bytes are hashed where they lie, and compared on a
/// hash match), which is what lets the event loop answer a repeated call by itself.
final class AnswerCache: Sendable {
    private struct Entry {
        let method: TallyRPC.Method
        let encoding: MessageEncoding
        let request: [UInt8]
        let response: HTTP2PreparedResponse
    }

    /// Beyond this many distinct questions the cache starts over (memory stays bounded whatever
    /// clients ask).
    static let capacity = 4_096
    private let entries = Mutex<(buckets: [Int: [Entry]], count: Int)>(([:], 0))

    func lookup(_ method: TallyRPC.Method, _ encoding: MessageEncoding, request: UnsafeRawBufferPointer) -> HTTP2PreparedResponse? {
        let key = Self.hash(method, encoding, request)
        return entries.withLock { entries in
            entries.buckets[key]?.first { $0.method == method && $0.encoding == encoding && $0.request.elementsEqual(request) }?.response
        }
    }

    func insert(_ method: TallyRPC.Method, _ encoding: MessageEncoding, request: [UInt8], response: HTTP2PreparedResponse) {
        let key = request.withUnsafeBytes { Self.hash(method, encoding, $0) }
        entries.withLock { entries in
            if entries.count >= Self.capacity { entries = ([:], 0) }
            if entries.buckets[key]?.contains(where: { $0.method == method && $0.encoding == encoding && $0.request == request }) == true { return }
            entries.buckets[key, default: []].append(Entry(method: method, encoding: encoding, request: request, response: response))
            entries.count += 1
        }
    }

    private static func hash(_ method: TallyRPC.Method, _ encoding: MessageEncoding, _ request: UnsafeRawBufferPointer) -> Int {
        var hasher = Hasher()
        hasher.combine(method)
        hasher.combine(encoding)
        hasher.combine(bytes: request)
        return hasher.finalize()
    }
}
