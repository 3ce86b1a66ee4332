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

    /// A per-process random seed: which requests share a bucket cannot be planned from outside.
    private static let seed = UInt64.random(in: .min ... .max)

    /// A multiply-and-rotate hash, 8 bytes a step: a request of a few dozen bytes costs a handful
    /// of instructions (SipHash was 3 % of the whole server under load). Collisions cost only a
    /// byte comparison; the table is bounded.
    private static func hash(_ method: TallyRPC.Method, _ encoding: MessageEncoding, _ request: UnsafeRawBufferPointer) -> Int {
        let multiplier: UInt64 = 0x9E37_79B9_7F4A_7C15
        // The method is left out: questions of two methods with the same bytes share a bucket.
        var h = seed ^ UInt64(request.count) ^ (encoding == .deflate ? 1 << 48 : 0)
        var offset = 0
        while offset + 8 <= request.count {
            h = ((h ^ request.loadUnaligned(fromByteOffset: offset, as: UInt64.self)) &* multiplier).rotated(by: 29)
            offset += 8
        }
        var tail: UInt64 = 0
        while offset < request.count {
            tail = tail << 8 | UInt64(request[offset])
            offset += 1
        }
        h = ((h ^ tail) &* multiplier).rotated(by: 29)
        return Int(truncatingIfNeeded: h ^ (h >> 32))
    }
}

extension UInt64 {
    func rotated(by bits: UInt64) -> UInt64 { self << bits | self >> (64 - bits) }
}
