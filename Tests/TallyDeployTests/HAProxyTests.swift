import Foundation
import Testing
import TallyClient
import TallyCodec
import TallyModel
import TallyTestSupport

/// HAProxy from Debian in front of tallyd on loopback, with the shipped Deploy/haproxy.cfg (only
/// ports and paths set through its environment variables) and TLS from Deploy/make-local-ca.sh:
/// the client's calls, sync and watch go through it, streamed responses end intact, and a tallyd
/// restarted behind the proxy serves the client's next call.
@Suite(.serialized, .timeLimit(.minutes(3)), .enabled(if: PeerTools.enabled("haproxy") || FileManager.default.isExecutableFile(atPath: "/usr/sbin/haproxy"), "needs haproxy"))
final class HAProxyTests {
    let directory: URL
    let database: String
    var tallyd: TallydProcess
    let backendPort: Int
    let proxyPort: Int
    let proxy = Process()
    static let token = "deploy-token"

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("deploy-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        database = directory.appendingPathComponent("tally.sqlite").path
        let tokenFile = directory.appendingPathComponent("token")
        try Data(Self.token.utf8).write(to: tokenFile)
        tallyd = try TallydProcess(arguments: ["--publish-token-file", tokenFile.path, "--trusted-proxies", "127.0.0.1"], database: database)
        backendPort = tallyd.port

        let ca = try runProcess("/bin/bash", [RepositoryPaths.root.appendingPathComponent("Deploy/make-local-ca.sh").path, directory.appendingPathComponent("certs").path])
        #expect(ca.status == 0, "\(ca.stderr)")

        proxyPort = try freeLoopbackPort()
        proxy.executableURL = URL(fileURLWithPath: "/usr/sbin/haproxy")
        proxy.arguments = ["-db", "-f", RepositoryPaths.root.appendingPathComponent("Deploy/haproxy.cfg").path]
        proxy.environment = [
            "TALLY_PROXY_BIND": "127.0.0.1:\(proxyPort)",
            "TALLY_PROXY_CERT": directory.appendingPathComponent("certs/tally.pem").path,
            "TALLY_PROXY_RUNTIME": directory.appendingPathComponent("haproxy.sock").path,
            "TALLY_BACKEND": "127.0.0.1:\(backendPort)",
        ]
        let log = directory.appendingPathComponent("haproxy.log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        proxy.standardOutput = try FileHandle(forWritingTo: log)
        proxy.standardError = try FileHandle(forWritingTo: log)
        try proxy.run()
    }

    deinit {
        proxy.terminate()
        proxy.waitUntilExit()
        tallyd.stop()
        try? FileManager.default.removeItem(at: directory)
    }

    var caCertificate: String { directory.appendingPathComponent("certs/ca.pem").path }

    func client(retries: Int = 3) throws -> TallyClient {
        var configuration = TallyClient.Configuration(server: ServerAddress(secure: true, host: "localhost", port: proxyPort))
        configuration.caCertificatePath = caCertificate
        configuration.retries = retries
        return try TallyClient(configuration: configuration)
    }

    /// Waits until the proxy answers (and its health check has found tallyd up).
    func waitForProxy(_ client: TallyClient) async throws {
        let deadline = ContinuousClock.now + .seconds(20)
        while ContinuousClock.now < deadline {
            if (try? await client.health()) != nil { return }
            try await Task.sleep(for: .milliseconds(200))
        }
        Issue.record("the proxy did not become ready; its log:\n\((try? String(contentsOf: directory.appendingPathComponent("haproxy.log"), encoding: .utf8)) ?? "")")
    }

    @Test func totalsSyncAndWatchThroughTheProxy() async throws {
        let client = try client()
        try await waitForProxy(client)
        let totals = try await client.totals(TotalsRequest(jurisdiction: "RU", measure: "cases_received_by_courts",
                                                           window: Period(text: "2022-09-01..2025-05-31"), breakdown: .article))
        #expect(totals.total?.value == .exact(20_662))
        #expect(totals.breakdown.last?.value == .exact(124))

        // A full sync is a streamed response: it only succeeds if the end-of-stream status arrived.
        let snapshotPath = directory.appendingPathComponent("snapshot.sqlite").path
        let report = try await SnapshotSync(client: client, path: snapshotPath).sync()
        #expect(report.kind == .full)
        #expect(try await OfflineDataset(path: snapshotPath).version == 1)

        // Watch through the proxy sees a publish made through the proxy.
        let watcher = try self.client()
        let watched = Task { () throws -> String? in
            var id: String?
            do {
                try await watcher.watch(since: 1) { event in
                    if case .change(let change) = event.event, case .upsert(let figure)? = change.kind {
                        id = figure.id
                        throw CancellationError()
                    }
                }
            } catch is CancellationError {}
            return id
        }
        try await Task.sleep(for: .milliseconds(500))
        var request = PublishRequest()
        request.figures = [Figure(id: "via-proxy", category: .prosecution, jurisdiction: "UA", measure: "verdicts",
                                  period: Period(text: "2025-05-01..2025-05-31")!, kind: .count, value: .exact(1),
                                  citations: [Citation(producer: "Test", outlet: "Tally tests", document: "test", quote: "1")])]
        #expect(try await client.publish(request, token: Self.token).datasetVersion == 2)
        #expect(try await watched.value == "via-proxy")
        let delta = try await SnapshotSync(client: client, path: snapshotPath).sync()
        #expect(delta.kind == .delta && delta.figuresTransferred == 1)
        await watcher.shutdown()
        await client.shutdown()
    }

    /// curl through the proxy (TLS, ALPN h2): the end-of-stream envelope and the trailers survive.
    @Test func endOfStreamAndTrailersSurviveTheProxy() async throws {
        let client = try client()
        try await waitForProxy(client)
        await client.shutdown()
        let curl = try #require(PeerTools.path("curl"), "curl is not installed")
        let request = directory.appendingPathComponent("request.bin")
        try Data(EnvelopeFramer().frame(SnapshotRequest(schemaVersion: DatasetSchema.current))).write(to: request)
        let body = directory.appendingPathComponent("body.bin"), head = directory.appendingPathComponent("head.txt")
        let result = try runProcess(curl, ["-sS", "--http2", "--cacert", caCertificate, "-H", "content-type: application/tally+proto",
                                           "--data-binary", "@\(request.path)", "-D", head.path, "-o", body.path,
                                           "https://localhost:\(proxyPort)/tally.v1.Tally/Snapshot"])
        #expect(result.status == 0, "\(result.stderr)")
        let headers = try String(contentsOf: head, encoding: .utf8)
        #expect(headers.hasPrefix("HTTP/2 200"))
        #expect(headers.contains("tally-status: 0"))
        var deframer = EnvelopeDeframer()
        deframer.append([UInt8](try Data(contentsOf: body)))
        var last: Envelope?
        while let envelope = try deframer.next() { last = envelope }
        #expect(last?.isEndOfStream == true)
        #expect(try Status(wireBytes: try #require(last).payload) == .ok)
    }

    /// The proxy appends the address it saw to X-Forwarded-For; tallyd, trusting the proxy, logs that
    /// one as the client, not what the client wrote into the header itself. (On loopback the real
    /// client is 127.0.0.1, like the proxy; the forged entry is what must not appear.)
    @Test func clientAddressForwardedByTheProxy() async throws {
        let client = try client()
        try await waitForProxy(client)
        await client.shutdown()
        let curl = try #require(PeerTools.path("curl"), "curl is not installed")
        let through = try runProcess(curl, ["-sS", "--http2", "--cacert", caCertificate, "-H", "X-Forwarded-For: 198.51.100.7",
                                            "https://localhost:\(proxyPort)/readyz?through-proxy"])
        #expect(through.status == 0, "\(through.stderr)")
        #expect(through.stdout == "ready\n", "the request did not reach tallyd: \(through.stdout)")
        let direct = try runProcess(curl, ["-sS", "--http2-prior-knowledge", "-H", "X-Forwarded-For: 198.51.100.7, 203.0.113.9",
                                           "http://127.0.0.1:\(backendPort)/readyz?direct"])
        #expect(direct.status == 0 && direct.stdout == "ready\n", "\(direct.stderr)")
        try await Task.sleep(for: .milliseconds(200))
        #expect(!tallyd.log.contains("client=198.51.100.7"), "a forged X-Forwarded-For entry was believed:\n\(tallyd.log)")
        // Straight from a trusted peer (127.0.0.1), its last entry is the client.
        #expect(tallyd.log.contains("client=203.0.113.9"), "\(tallyd.log)")
    }

    /// tallyd restarted behind the proxy (same address, same database): the client's next call succeeds.
    @Test func tallydRestartedBehindTheProxy() async throws {
        let client = try client(retries: 8)
        try await waitForProxy(client)
        #expect(try await client.health().status == .serving)
        #expect(tallyd.stop() == 0)
        tallyd = try TallydProcess(arguments: ["--port", String(backendPort)], database: database)
        #expect(try await client.health().status == .serving)
        await client.shutdown()
    }
}
