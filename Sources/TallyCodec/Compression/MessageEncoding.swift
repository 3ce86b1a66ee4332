/// A per-message content coding, negotiated per call with the `tally-encoding` and
/// `tally-accept-encoding` headers (Proto/PROTOCOL.md, "Compression").
public enum MessageEncoding: String, Sendable, CaseIterable {
    case identity
    /// The zlib format (RFC 1950), as HTTP's `deflate` content coding.
    case deflate

    /// What this build can decode, most preferred first: the value of `tally-accept-encoding`.
    public static let acceptHeaderValue = "deflate, identity"

    /// The encoding to send with, given the peer's `tally-accept-encoding` header: the first one the
    /// peer lists that this build supports; identity when the peer lists none or sent no header.
    public static func negotiate(peerAccepts header: String?) -> MessageEncoding {
        guard let header else { return .identity }
        for token in header.split(separator: ",") {
            let name = token.split(separator: ";").first.map { $0.trimmingASCIISpaces() } ?? ""
            if let encoding = MessageEncoding(rawValue: name.lowercased()) { return encoding }
        }
        return .identity
    }
}

extension Substring {
    func trimmingASCIISpaces() -> String {
        var slice = self[...]
        while slice.first == " " || slice.first == "\t" { slice.removeFirst() }
        while slice.last == " " || slice.last == "\t" { slice.removeLast() }
        return String(slice)
    }
}
