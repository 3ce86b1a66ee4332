import Logging
import TallyCodec
import TallyHTTP2

/// The fast path: a POST whose answer is already prepared for the current dataset version is
/// answered on the connection's event loop, from the header bytes and the one envelope, without
/// a task, a hop, a decode or a copy of the answer. Anything unusual (another method, compression,
/// a malformed header, a draining server, a question not seen yet) returns nil and takes the
/// ordinary path, which answers it, or refuses it with the precise error, and fills the cache.
extension Router {
    func immediateResponse(to head: HTTP2Fields, body: [UInt8]) -> HTTP2PreparedResponse? {
        let started = ContinuousClock.now
        guard lifecycle.isReady, head.contains(":method", "POST"),
              let method = head.withValue(":path", Self.cacheableMethod),
              head.withValue("content-type", { $0.map(Self.isTallyContentType) ?? false }),
              head.withValue("tally-encoding", { $0.map { $0.equals("identity") } ?? true }),
              head.withValue("tally-timeout-ms", { $0.map(Self.isPositiveInteger) ?? true })
        else { return nil }
        let encoding = head.withValue("tally-accept-encoding", Self.negotiatedEncoding)
        // Exactly one uncompressed envelope, and nothing after it.
        guard body.count >= Envelope.prefixSize, body[0] == 0,
              Int(body[1]) << 24 | Int(body[2]) << 16 | Int(body[3]) << 8 | Int(body[4]) == body.count - Envelope.prefixSize
        else { return nil }
        let answer = body.withUnsafeBytes { bytes in
            rpc.cache.value.prepared.lookup(method, encoding, request: UnsafeRawBufferPointer(rebasing: bytes[Envelope.prefixSize...]))
        }
        guard let answer else { return nil }
        metrics.recordImmediate(route: method.rawValue, duration: ContinuousClock.now - started)
        if logger.logLevel <= .info {
            logger.info("request", metadata: ["method": "POST", "route": "\(method.rawValue)", "code": "ok", "cached": "true"])
        }
        return answer
    }

    /// The methods whose answers depend only on the request and the dataset.
    private static func cacheableMethod(_ path: UnsafeRawBufferPointer?) -> TallyRPC.Method? {
        guard let path, path.hasPrefix(rpcPrefixBytes) else { return nil }
        let name = UnsafeRawBufferPointer(rebasing: path[rpcPrefixBytes.utf8CodeUnitCount...])
        if name.equals("Totals") { return .totals }
        if name.equals("Figures") { return .figures }
        if name.equals("Sources") { return .sources }
        if name.equals("Consistency") { return .consistency }
        return nil
    }

    private static let rpcPrefixBytes: StaticString = "/tally.v1.Tally/"

    /// `application/tally+proto`, optionally with parameters.
    private static func isTallyContentType(_ value: UnsafeRawBufferPointer) -> Bool {
        let type: StaticString = "application/tally+proto"
        guard value.hasPrefix(type) else { return false }
        return value.count == type.utf8CodeUnitCount || value[type.utf8CodeUnitCount] == UInt8(ascii: ";") || value[type.utf8CodeUnitCount] == UInt8(ascii: " ")
    }

    private static func isPositiveInteger(_ value: UnsafeRawBufferPointer) -> Bool {
        guard !value.isEmpty, value.count <= 18, value.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else { return false }
        return value.contains { $0 != UInt8(ascii: "0") }
    }

    /// `MessageEncoding.negotiate` over the header's bytes: the first listed encoding this build
    /// supports.
    private static func negotiatedEncoding(_ value: UnsafeRawBufferPointer?) -> MessageEncoding {
        guard let value else { return .identity }
        let (comma, semicolon, space, tab) = (UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: " "), UInt8(ascii: "\t"))
        var start = 0
        while start < value.count {
            var end = start
            while end < value.count && value[end] != comma { end += 1 }
            var nameStart = start, nameEnd = start
            while nameEnd < end && value[nameEnd] != semicolon { nameEnd += 1 }
            while nameStart < nameEnd && (value[nameStart] == space || value[nameStart] == tab) { nameStart += 1 }
            while nameEnd > nameStart && (value[nameEnd - 1] == space || value[nameEnd - 1] == tab) { nameEnd -= 1 }
            let name = UnsafeRawBufferPointer(rebasing: value[nameStart..<nameEnd])
            if name.equalsIgnoringCase("deflate") { return .deflate }
            if name.equalsIgnoringCase("identity") { return .identity }
            start = end + 1
        }
        return .identity
    }
}

extension UnsafeRawBufferPointer {
    func hasPrefix(_ prefix: StaticString) -> Bool {
        count >= prefix.utf8CodeUnitCount
            && UnsafeRawBufferPointer(rebasing: self[..<prefix.utf8CodeUnitCount])
                .elementsEqual(UnsafeRawBufferPointer(start: prefix.utf8Start, count: prefix.utf8CodeUnitCount))
    }

    func equals(_ text: StaticString) -> Bool {
        elementsEqual(UnsafeRawBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    /// Equal to a lower-case ASCII word, whatever the case of the letters here.
    func equalsIgnoringCase(_ word: StaticString) -> Bool {
        elementsEqual(UnsafeRawBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount)) { $0 | 0x20 == $1 }
    }
}
