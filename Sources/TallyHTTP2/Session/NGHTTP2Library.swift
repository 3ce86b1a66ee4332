internal import CNghttp2

/// Facts about the nghttp2 library this process is linked against. Debian's 1.52 carries
/// backported flood limits (`nghttp2_option_set_stream_reset_rate_limit`,
/// `nghttp2_option_set_max_continuations`) although its version string says 1.52.0; the build
/// links against those symbols, so a library without them fails at build time, not at run time.
public enum NGHTTP2Library {
    /// The runtime library's version string, e.g. `1.52.0`.
    public static var version: String {
        guard let info = nghttp2_version(0) else { return "unknown" }
        return String(cString: info.pointee.version_str)
    }

    /// The ALPN protocol identifier nghttp2 speaks: `h2`.
    public static var alpnProtocol: String { NGHTTP2_PROTO_VERSION_ID }
}
