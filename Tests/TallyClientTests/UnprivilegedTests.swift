import Foundation
import Testing
import TallyTestSupport

/// tallyd and tally as a container runs them: with no capabilities. The tests otherwise run as root,
/// which hid a socket option that only root may set (the option meant as TCP_NODELAY was set at the
/// socket level, where its number means SO_DEBUG): every connection failed in the container.
@Suite(.timeLimit(.minutes(3)))
struct UnprivilegedTests {
    @Test func serverAndClientWorkWithoutCapabilities() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("unprivileged-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let server = try TallydProcess(launcher: Unprivileged.launcher)
        defer { server.stop() }

        // The server alone, asked by an independent client.
        let curl = try runProcess("/usr/bin/curl", ["-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "10",
                                                    "--http2-prior-knowledge", "\(server.url)/readyz"])
        let status = curl.stdout
        #expect(status == "200", "curl: \(status)\ntallyd's log:\n\(server.log)")

        // Server and client both without capabilities.
        let command = Unprivileged.launcher + [TallydProcess.productsDirectory.appendingPathComponent("tally").path,
                                               "sync", "--server", server.url]
        let result = try runProcess(command[0], Array(command.dropFirst()),
                                    environment: ["PATH": "/usr/bin:/bin", "HOME": directory.path,
                                                  "TALLY_DATA_DIR": directory.appendingPathComponent("data").path])
        let text = result.stdout + result.stderr
        #expect(result.status == 0, "\(text)\ntallyd's log:\n\(server.log)")
        #expect(text.contains("46 figures"), "\(text)")
    }
}
