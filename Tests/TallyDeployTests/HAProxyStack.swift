import Foundation
import Testing
import TallyTestSupport

/// tallyd behind HAProxy on loopback, as HAProxyTests sets it up: the shipped Deploy/haproxy.cfg
/// (only ports and paths from its environment variables) with TLS from Deploy/make-local-ca.sh, so
/// clients that speak HTTP/2 only over TLS (browsers) reach tallyd's h2c through it. Stopped by
/// `stop()` or when released.
final class HAProxyStack: @unchecked Sendable {
    let directory: URL
    let tallyd: TallydProcess
    let proxyPort: Int
    private let proxy = Process()

    init(tallydArguments: [String] = []) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("proxied-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let certificates = directory.appendingPathComponent("certs")
        let ca = try runProcess("/bin/bash", [RepositoryPaths.root.appendingPathComponent("Deploy/make-local-ca.sh").path, certificates.path])
        guard ca.status == 0 else { throw StackError.setUp("make-local-ca.sh: \(ca.stderr)") }
        tallyd = try TallydProcess(arguments: tallydArguments)
        proxyPort = try freeLoopbackPort()
        proxy.executableURL = URL(fileURLWithPath: "/usr/sbin/haproxy")
        proxy.arguments = ["-db", "-f", RepositoryPaths.root.appendingPathComponent("Deploy/haproxy.cfg").path]
        proxy.environment = [
            "TALLY_PROXY_BIND": "127.0.0.1:\(proxyPort)",
            "TALLY_PROXY_CERT": certificates.appendingPathComponent("tally.pem").path,
            "TALLY_PROXY_RUNTIME": directory.appendingPathComponent("haproxy.sock").path,
            "TALLY_BACKEND": "127.0.0.1:\(tallyd.port)",
        ]
        let logFile = directory.appendingPathComponent("haproxy.log")
        _ = FileManager.default.createFile(atPath: logFile.path, contents: nil)
        proxy.standardOutput = try FileHandle(forWritingTo: logFile)
        proxy.standardError = try FileHandle(forWritingTo: logFile)
        try proxy.run()
    }

    var certificates: URL { directory.appendingPathComponent("certs") }
    var logFile: URL { directory.appendingPathComponent("haproxy.log") }
    /// HAProxy's log: one line per request (`option httplog`), with the client's HTTP version.
    var log: String { (try? String(contentsOf: logFile, encoding: .utf8)) ?? "" }
    var baseURL: String { "https://localhost:\(proxyPort)" }

    /// Waits until a request through the proxy reaches a ready tallyd (HAProxy's health check has
    /// found it up), by asking `/readyz` with curl and the local CA, a bounded number of times.
    func waitUntilReady() async throws {
        let curl = try #require(PeerTools.path("curl"), "curl is not installed")
        let arguments = ["-sS", "--http2", "--max-time", "2", "--cacert", certificates.appendingPathComponent("ca.pem").path, "\(baseURL)/readyz"]
        for _ in 0..<100 {
            let answer = try await onOwnThread { try runProcess(curl, arguments) }
            if answer.status == 0 && answer.stdout == "ready\n" { return }
            try await Task.sleep(for: .milliseconds(200))
        }
        throw StackError.setUp("the proxy did not become ready; its log:\n\(log)")
    }

    func stop() {
        if proxy.isRunning {
            proxy.terminate()
            proxy.waitUntilExit()
        }
        tallyd.stop()
    }

    deinit {
        stop()
        try? FileManager.default.removeItem(at: directory)
    }

    enum StackError: Error { case setUp(String) }
}
