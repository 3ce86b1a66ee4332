import Foundation
import Testing
import TallyTestSupport

/// tallyd terminating TLS itself (`--tls-certificate`, `--tls-key`, a certificate from
/// Deploy/make-local-ca.sh): sslscan finds the same policy as on the HAProxy front, and an
/// independent client (curl) still gets HTTP/2 over it.
@Suite(.timeLimit(.minutes(2)), .enabled(if: PeerTools.enabled("sslscan"), "needs sslscan"))
struct TallydTLSTests {
    @Test func tallydOffersOnlyModernTLS() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tallyd-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let certs = directory.appendingPathComponent("certs")
        let ca = try runProcess("/bin/bash", [RepositoryPaths.root.appendingPathComponent("Deploy/make-local-ca.sh").path, certs.path])
        try #require(ca.status == 0, "\(ca.stderr)")
        let tallyd = try TallydProcess(arguments: ["--tls-certificate", certs.appendingPathComponent("tally.crt").path,
                                                   "--tls-key", certs.appendingPathComponent("tally.key").path])
        defer { tallyd.stop() }

        let scan = try SSLScan.scan(host: "localhost", port: tallyd.port)
        #expect(scan.policyViolations == [], "tallyd's TLS: \(scan.ciphers)")

        let curl = try #require(PeerTools.path("curl"), "curl is not installed")
        let result = try runProcess(curl, ["-sS", "--http2", "--cacert", certs.appendingPathComponent("ca.pem").path, "-w", " %{http_version}",
                                           "https://localhost:\(tallyd.port)/readyz"])
        #expect(result.status == 0 && result.stdout == "ready\n 2", "curl: \(result.stdout) \(result.stderr)\n\(tallyd.log)")
    }
}
