/// Where the server is: `http://host:port` (h2c, prior knowledge) or `https://host:port` (h2 over
/// TLS with ALPN).
public struct ServerAddress: Sendable, Hashable, CustomStringConvertible {
    public var secure: Bool
    public var host: String
    public var port: Int

    public init(secure: Bool, host: String, port: Int) {
        self.secure = secure
        self.host = host
        self.port = port
    }

    /// Parses `http://host[:port]` or `https://host[:port]` (a trailing `/` is allowed).
    public init(parsing text: String) throws(TallyClientError) {
        var rest = Substring(text)
        if rest.hasPrefix("https://") {
            secure = true
            rest = rest.dropFirst("https://".count)
        } else if rest.hasPrefix("http://") {
            secure = false
            rest = rest.dropFirst("http://".count)
        } else {
            throw .badArguments("server '\(text)' must start with http:// or https://")
        }
        while rest.hasSuffix("/") { rest = rest.dropLast() }
        guard !rest.isEmpty, !rest.contains("/") else { throw .badArguments("server '\(text)' must be http(s)://host[:port] without a path") }
        if rest.hasPrefix("[") {
            // [IPv6]:port
            guard let close = rest.firstIndex(of: "]") else { throw .badArguments("server '\(text)': unclosed '['") }
            host = String(rest[rest.index(after: rest.startIndex)..<close])
            let after = rest[rest.index(after: close)...]
            port = after.isEmpty ? (secure ? 443 : 80) : try Self.port(after.dropFirst(), text)
        } else if let colon = rest.lastIndex(of: ":") {
            host = String(rest[..<colon])
            port = try Self.port(rest[rest.index(after: colon)...], text)
        } else {
            host = String(rest)
            port = secure ? 443 : 80
        }
    }

    private static func port(_ text: Substring, _ whole: String) throws(TallyClientError) -> Int {
        guard let port = Int(text), (1...65_535).contains(port) else { throw .badArguments("server '\(whole)': bad port '\(text)'") }
        return port
    }

    /// The `:authority` of requests.
    public var authority: String {
        let name = host.contains(":") ? "[\(host)]" : host
        return (secure && port == 443) || (!secure && port == 80) ? name : "\(name):\(port)"
    }

    public var description: String { "\(secure ? "https" : "http")://\(authority)" }
}
