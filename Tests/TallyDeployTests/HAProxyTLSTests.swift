import Foundation
import Testing
import TallyClient
import TallyTestSupport

/// The HAProxy front, as `HAProxyTests` sets it up (the shipped Deploy/haproxy.cfg, the local CA),
/// through independent tools: sslscan finds only TLS 1.2 and 1.3 with modern ciphers, and curl sees
/// HSTS on what the proxy answers.
extension HAProxyTests {
    @Test(.enabled(if: PeerTools.enabled("sslscan"), "needs sslscan"))
    func frontOffersOnlyModernTLS() async throws {
        let client = try client()
        try await waitForProxy(client)
        await client.shutdown()
        let scan = try SSLScan.scan(host: "localhost", port: proxyPort)
        #expect(scan.policyViolations == [], "the proxy's TLS: \(scan.ciphers)")
    }

    @Test func frontSendsStrictTransportSecurity() async throws {
        let client = try client()
        try await waitForProxy(client)
        await client.shutdown()
        let curl = try #require(PeerTools.path("curl"), "curl is not installed")
        for path in ["/", "/readyz"] {
            let result = try runProcess(curl, ["-sS", "--http2", "--cacert", caCertificate, "-o", "/dev/null", "-D", "-",
                                               "https://localhost:\(proxyPort)\(path)"])
            #expect(result.status == 0, "\(result.stderr)")
            let hsts = result.stdout.split(separator: "\r\n").first { $0.lowercased().hasPrefix("strict-transport-security:") }
            #expect(hsts?.lowercased() == "strict-transport-security: max-age=63072000", "\(path): \(result.stdout)")
        }
    }
}
