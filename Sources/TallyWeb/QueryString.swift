/// The query of a page's URL as an HTML form sends it (`application/x-www-form-urlencoded`:
/// `name=value` pairs joined by `&`, `+` for a space, `%XX` for other bytes), read within limits,
/// and written back the same way for links.
public enum QueryString {
    /// Longest query read; a longer one is refused (HTTP 414) before it is parsed.
    public static let maxLength = 2_048
    /// Most `name=value` pairs read.
    public static let maxPairs = 32
    /// Longest decoded value.
    public static let maxValueLength = 64

    /// The pairs in order; an empty query (or none) has none. Empty pieces (`a=1&&b=2`) are skipped.
    public static func parse(_ query: String?) throws(PageRequestError) -> [(name: String, value: String)] {
        guard let query, !query.isEmpty else { return [] }
        guard query.utf8.count <= maxLength else {
            throw PageRequestError(status: 414, [.init(field: "query", problem: "longer than \(maxLength) bytes")])
        }
        var pairs: [(name: String, value: String)] = []
        for piece in query.split(separator: "&", omittingEmptySubsequences: true) {
            guard pairs.count < maxPairs else {
                throw PageRequestError([.init(field: "query", problem: "more than \(maxPairs) parameters")])
            }
            let parts = piece.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = try decode(parts[0], field: "query")
            let value = try decode(parts.count > 1 ? parts[1] : "", field: name)
            guard value.count <= maxValueLength else {
                throw PageRequestError([.init(field: name, problem: "longer than \(maxValueLength) characters")])
            }
            pairs.append((name, value))
        }
        return pairs
    }

    /// `+` is a space, `%XX` a byte; the bytes must be UTF-8.
    static func decode(_ text: Substring, field: String) throws(PageRequestError) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            switch byte {
            case UInt8(ascii: "+"): bytes.append(UInt8(ascii: " "))
            case UInt8(ascii: "%"):
                guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else {
                    throw PageRequestError([.init(field: field, problem: "malformed percent-encoding")])
                }
                bytes.append(high << 4 | low)
            default: bytes.append(byte)
            }
        }
        guard let decoded = String(validating: bytes, as: UTF8.self) else {
            throw PageRequestError([.init(field: field, problem: "not UTF-8")])
        }
        return decoded
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    /// Pairs written as a form would send them; unreserved characters stay as they are.
    public static func encode(_ pairs: [(String, String)]) -> String {
        pairs.map { "\(component($0.0))=\(component($0.1))" }.joined(separator: "&")
    }

    private static func component(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.append(Character(Unicode.Scalar(byte)))
            case UInt8(ascii: " "): out.append("+")
            default:
                let hex = Array("0123456789ABCDEF")
                out += "%\(hex[Int(byte >> 4)])\(hex[Int(byte & 0x0F)])"
            }
        }
        return out
    }
}

/// A page request that names no valid question: the HTTP status (400, or 414 for a query too long
/// to read) and one violation per bad field, shown on the error page.
public struct PageRequestError: Error, Sendable, Equatable {
    public struct Violation: Sendable, Equatable, CustomStringConvertible {
        public var field: String
        public var problem: String

        public init(field: String, problem: String) {
            self.field = field
            self.problem = problem
        }

        public var description: String { "\(field): \(problem)" }
    }

    public var status: Int
    public var violations: [Violation]

    public init(status: Int = 400, _ violations: [Violation]) {
        self.status = status
        self.violations = violations
    }
}
