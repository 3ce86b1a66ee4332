internal import CNghttp2

/// Facts about the nghttp2 library this process is linked against.
///
/// The server and client sessions (nghttp2 driven from SwiftNIO) live in this module; they arrive
/// with the server issue. Debian's 1.52 carries backported flood limits although its version string
/// says 1.52.0, so features are probed by symbol, not by version.
public enum NGHTTP2Library {
    /// The runtime library's version string, e.g. `1.52.0`.
    public static var version: String {
        guard let info = nghttp2_version(0) else { return "unknown" }
        return String(cString: info.pointee.version_str)
    }

    /// The ALPN protocol identifier nghttp2 speaks: `h2`.
    public static var alpnProtocol: String { NGHTTP2_PROTO_VERSION_ID }
}
