import NIOSSL

/// tallyd's own TLS, when it terminates TLS itself (`--tls-certificate`, `--tls-key`): the same
/// policy as the HAProxy front in `Deploy/haproxy.cfg`, Mozilla's "intermediate" profile without its
/// finite-field DHE suites. TLS 1.2 and 1.3 only; for 1.2, forward-secret ECDHE key exchange with
/// AEAD ciphers (AES-GCM, ChaCha20-Poly1305) only. swift-nio-ssl's defaults would also accept TLS 1.0
/// and 1.1, CBC-mode ciphers and RSA key exchange (no forward secrecy).
///
/// TLS 1.3's suites are not configurable in BoringSSL: they are the three AEAD suites, which is
/// what the profile asks for.
enum ServerTLS {
    /// OpenSSL cipher names for TLS 1.2, ECDSA first (the local CA's certificates are ECDSA).
    static let tls12Ciphers = [
        "ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-RSA-AES128-GCM-SHA256",
        "ECDHE-ECDSA-AES256-GCM-SHA384", "ECDHE-RSA-AES256-GCM-SHA384",
        "ECDHE-ECDSA-CHACHA20-POLY1305", "ECDHE-RSA-CHACHA20-POLY1305",
    ]

    static func configuration(certificatePath: String, keyPath: String) throws -> TLSConfiguration {
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: try NIOSSLCertificate.fromPEMFile(certificatePath).map { .certificate($0) },
            privateKey: .privateKey(try NIOSSLPrivateKey(file: keyPath, format: .pem)))
        configuration.minimumTLSVersion = .tlsv12
        configuration.maximumTLSVersion = .tlsv13
        configuration.cipherSuites = tls12Ciphers.joined(separator: ":")
        configuration.curves = [.x25519, .secp256r1, .secp384r1]
        configuration.applicationProtocols = ["h2"]
        return configuration
    }
}
