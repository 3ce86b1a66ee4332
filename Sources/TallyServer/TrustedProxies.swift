#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The proxies whose `X-Forwarded-For` tallyd believes, as address ranges ("10.0.0.0/8",
/// "127.0.0.1", "fd00::/8"). Behind HAProxy every connection comes from the proxy; the client's
/// address, which operators need in the logs (who published, who floods), is only in the header.
/// Anyone can send that header, so it counts only from a trusted peer, and only its last entry:
/// the address the proxy itself saw. Earlier entries came from the client and prove nothing.
public struct TrustedProxies: Sendable, Equatable {
    struct Range: Sendable, Equatable {
        let bytes: [UInt8]
        let prefixLength: Int

        func contains(_ address: [UInt8]) -> Bool {
            guard address.count == bytes.count else { return false }
            var remaining = prefixLength
            for (a, b) in zip(address, bytes) where remaining > 0 {
                let bits = min(8, remaining)
                let mask = UInt8(truncatingIfNeeded: 0xFF << (8 - bits))
                if a & mask != b & mask { return false }
                remaining -= bits
            }
            return true
        }
    }

    let ranges: [Range]

    public static let none = TrustedProxies(ranges: [])

    init(ranges: [Range]) {
        self.ranges = ranges
    }

    /// Parses a comma-separated list; names the entry that is not an address or a range.
    public init(parsing list: String) throws(TrustedProxiesError) {
        var ranges: [Range] = []
        for entry in list.split(separator: ",").map({ $0.trimmingWhitespace() }) where !entry.isEmpty {
            let parts = entry.split(separator: "/", omittingEmptySubsequences: false)
            guard parts.count <= 2, let bytes = Self.addressBytes(String(parts[0])) else {
                throw TrustedProxiesError(entry: entry, problem: "not an IPv4 or IPv6 address")
            }
            var prefixLength = bytes.count * 8
            if parts.count == 2 {
                guard let length = Int(parts[1]), (0...bytes.count * 8).contains(length) else {
                    throw TrustedProxiesError(entry: entry, problem: "prefix length must be 0 to \(bytes.count * 8)")
                }
                prefixLength = length
            }
            ranges.append(Range(bytes: bytes, prefixLength: prefixLength))
        }
        self.ranges = ranges
    }

    public func contains(address: String) -> Bool {
        guard let bytes = Self.addressBytes(address) else { return false }
        return ranges.contains { $0.contains(bytes) }
    }

    /// The client's address: the last `X-Forwarded-For` entry when the peer is a trusted proxy
    /// and the entry is an address, otherwise the peer's own address.
    public func clientAddress(peer: String?, forwardedFor: String?) -> String? {
        guard let peer, contains(address: peer), let forwardedFor,
              let last = forwardedFor.split(separator: ",").last?.trimmingWhitespace(),
              Self.addressBytes(last) != nil else { return peer }
        return last
    }

    /// The address in network byte order, 4 or 16 bytes; nil for anything else (names included).
    static func addressBytes(_ text: String) -> [UInt8]? {
        guard text.utf8.count <= 45 else { return nil }
        var v4 = [UInt8](repeating: 0, count: 4)
        if inet_pton(AF_INET, text, &v4) == 1 { return v4 }
        var v6 = [UInt8](repeating: 0, count: 16)
        if inet_pton(AF_INET6, text, &v6) == 1 { return v6 }
        return nil
    }
}

public struct TrustedProxiesError: Error, CustomStringConvertible, Equatable {
    public let entry: String
    public let problem: String

    public init(entry: String, problem: String) {
        self.entry = entry
        self.problem = problem
    }

    public var description: String { "trusted proxy '\(entry)': \(problem)" }
}

extension Substring {
    fileprivate func trimmingWhitespace() -> String {
        String(drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
    }
}
