import Foundation
import Testing
import TallyTestSupport

/// The deployment files pass their linters: hadolint for the Dockerfiles, the compose
/// specification's schema for compose.yaml, and HAProxy's own check for haproxy.cfg.
@Suite(.enabled(if: Peers.pythonTestsEnabled, "needs the venv (make test)"))
struct DeployLintTests {
    let deploy = RepositoryPaths.root.appendingPathComponent("Deploy")

    private func venvTool(_ name: String) throws -> String {
        let python = try #require(Peers.python, "TALLY_PYTHON is not set (make test sets it)")
        return URL(fileURLWithPath: python).deletingLastPathComponent().appendingPathComponent(name).path
    }

    @Test func dockerfilesPassHadolint() throws {
        let result = try runProcess(try venvTool("hadolint"), [deploy.appendingPathComponent("Dockerfile").path,
                                                               deploy.appendingPathComponent("haproxy.Dockerfile").path,
                                                               deploy.appendingPathComponent("postgres.Dockerfile").path])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
    }

    @Test func composeFileMatchesTheComposeSpecification() throws {
        let result = try runProcess(try venvTool("check-jsonschema"), ["--builtin-schema", "vendor.compose-spec",
                                                                       deploy.appendingPathComponent("compose.yaml").path,
                                                                       deploy.appendingPathComponent("compose.replicas.yaml").path])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
    }

    @Test func haproxyAcceptsItsConfiguration() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("haproxy-check-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let ca = try runProcess("/bin/bash", [deploy.appendingPathComponent("make-local-ca.sh").path, directory.path])
        #expect(ca.status == 0, "\(ca.stderr)")
        let check = Process()
        check.executableURL = URL(fileURLWithPath: "/usr/sbin/haproxy")
        check.arguments = ["-c", "-f", deploy.appendingPathComponent("haproxy.cfg").path]
        check.environment = ["TALLY_PROXY_BIND": "127.0.0.1:8443", "TALLY_PROXY_CERT": directory.appendingPathComponent("tally.pem").path,
                             "TALLY_PROXY_RUNTIME": directory.appendingPathComponent("sock").path, "TALLY_BACKEND": "127.0.0.1:8080"]
        check.standardOutput = FileHandle.nullDevice
        check.standardError = FileHandle.nullDevice
        try check.run()
        check.waitUntilExit()
        #expect(check.terminationStatus == 0)
    }
}
