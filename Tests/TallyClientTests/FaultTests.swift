import Foundation
import Synchronization
import Testing
import TallyClient
import TallyStore
import TallyCodec
import TallyModel
import TallyTestSupport

/// What the client does when things break: a corrupt local copy, a server killed mid-sync or
/// restarted between calls, TLS with the right and the wrong CA.
@Suite(.serialized, .timeLimit(.minutes(3)))
struct FaultTests {
    private func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("faults-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    private func makeClient(_ port: Int, secure: Bool = false, host: String = "127.0.0.1", ca: String? = nil) throws -> TallyClient {
        var configuration = TallyClient.Configuration(server: ServerAddress(secure: secure, host: host, port: port))
        configuration.caCertificatePath = ca
        configuration.retries = 1
        return try TallyClient(configuration: configuration)
    }

    /// A stored figure damaged on disk (one byte flipped in its row, by Python's sqlite3, as a
    /// failing disk or a stray write would): `sync --verify` finds the copy's digest no longer
    /// matches its figures, and replaces the copy with a full download.
    @Test(.enabled(if: Peers.pythonTestsEnabled, "needs TALLY_PYTHON"))
    func aDamagedFigureIsFoundByVerifyAndTheCopyReplaced() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let server = try TallydProcess()
        defer { server.stop() }
        let path = directory.appendingPathComponent("snapshot.sqlite").path
        let client = try makeClient(server.port)
        _ = try await SnapshotSync(client: client, path: path).sync()
        let python = try #require(Peers.python)
        let flip = try runProcess(python, ["-c", """
            import sqlite3, sys
            db = sqlite3.connect(sys.argv[1])
            (body,) = db.execute("SELECT body FROM figure ORDER BY id LIMIT 1 OFFSET 7").fetchone()
            body = bytearray(body); body[len(body) // 2] ^= 0x20
            db.execute("UPDATE figure SET body = ? WHERE id = (SELECT id FROM figure ORDER BY id LIMIT 1 OFFSET 7)", (bytes(body),))
            db.commit()
            """, path])
        #expect(flip.status == 0, "\(flip.stderr)")

        var sync = SnapshotSync(client: client, path: path)
        #expect(try await sync.sync().kind == .upToDate, "without --verify the damage is not looked for")
        sync.verifyLocalCopy = true
        let report = try await sync.sync()
        #expect(report.kind == .full)
        #expect(report.replacedCorruptCopy)
        try await LocalCopy.open(path: path).verify()
        #expect(try await OfflineDataset(path: path).version == 1)
        await client.shutdown()
    }

    /// A local copy that is not a database any more (truncated to garbage) is replaced on sync.
    @Test func aLocalCopyThatDoesNotOpenIsReplaced() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let server = try TallydProcess()
        defer { server.stop() }
        let path = directory.appendingPathComponent("snapshot.sqlite").path
        let client = try makeClient(server.port)
        _ = try await SnapshotSync(client: client, path: path).sync()
        try Data(Array("not a database, only the first bytes of one".utf8)).write(to: URL(fileURLWithPath: path))
        for suffix in ["-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        await #expect(throws: TallyClientError.self) { try await OfflineDataset(path: path) }
        let report = try await SnapshotSync(client: client, path: path).sync()
        #expect(report.kind == .full && report.replacedCorruptCopy)
        #expect(try await OfflineDataset(path: path).version == 1)
        await client.shutdown()
    }

    /// tallyd is killed (SIGKILL) while a large delta is being transferred: the sync fails, the old
    /// copy is intact and still answers, and the next sync, against a restarted server, completes.
    @Test func serverKilledMidSyncLeavesTheOldSnapshotIntact() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let database = directory.appendingPathComponent("tally.sqlite").path
        let path = directory.appendingPathComponent("snapshot.sqlite").path
        // Version 1, the embedded dataset: the local copy.
        var server = try TallydProcess(database: database)
        var client = try makeClient(server.port)
        _ = try await SnapshotSync(client: client, path: path).sync()
        let before = try await LocalCopy.open(path: path).state()
        await client.shutdown()
        server.stop()
        // Version 2 adds 60,000 figures: a large delta (about 10 MB).
        let seed = try runProcess(TallydProcess.productsDirectory.appendingPathComponent("TallyStoreCrashHelper").path, [database, "60000"])
        #expect(seed.status == 0, "\(seed.stderr)")

        server = try TallydProcess(database: database)
        client = try makeClient(server.port)
        let syncingClient = client
        let sync = Task { try await SnapshotSync(client: syncingClient, path: path).sync() }
        try await Task.sleep(for: .milliseconds(150))
        server.stop(signal: SIGKILL)
        let result = await sync.result
        guard case .failure = result else {
            Issue.record("the sync finished before the server was killed; the test needs a larger delta")
            return
        }
        #expect(try await LocalCopy.open(path: path).state() == before)
        let offline = try await OfflineDataset(path: path)
        #expect(offline.version == 1)
        #expect(try await offline.totals(TotalsRequest(jurisdiction: "RU", measure: "cases_received_by_courts")).total?.value == .exact(20_662))
        await client.shutdown()

        server = try TallydProcess(database: database)
        client = try makeClient(server.port)
        let report = try await SnapshotSync(client: client, path: path).sync()
        #expect(report.toVersion == 2)
        #expect(try await LocalCopy.open(path: path).allFigures().count == offline.answers.reader.figureCount + 60_000)
        await client.shutdown()
        server.stop()
    }

    /// A server restarted between two calls: the client notices the dead connection and reconnects.
    @Test func serverRestartBetweenCalls() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let database = directory.appendingPathComponent("tally.sqlite").path
        let first = try TallydProcess(database: database)
        let port = first.port
        let client = try makeClient(port)
        #expect(try await client.health().status == .serving)
        #expect(first.stop() == 0)
        let second = try TallydProcess(arguments: ["--port", String(port)], database: database)
        defer { second.stop() }
        #expect(second.port == port)
        #expect(try await client.health().status == .serving)
        await client.shutdown()
    }

    /// A hung server (stopped with SIGSTOP: the kernel still accepts connections, nothing answers),
    /// as a proxy holding a request for a backend it cannot reach looks to the client. The call
    /// ends at the client's deadline, retries included, instead of waiting on the server; the CLI
    /// says so (exit 75), or answers from the local snapshot with a note when it has one.
    @Test func hungServerEndsTheCallAtTheDeadline() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let server = try TallydProcess()
        defer {
            kill(server.process.processIdentifier, SIGCONT)
            server.stop()
        }
        let data = directory.appendingPathComponent("data").path
        let synced = try runTally(["sync", "--server", server.url], data: data)
        #expect(synced.status == 0, "\(synced.output)")

        let state = stopped(server.process.processIdentifier)
        var configuration = TallyClient.Configuration(server: ServerAddress(secure: false, host: "127.0.0.1", port: server.port))
        configuration.timeout = .milliseconds(500)
        let client = try TallyClient(configuration: configuration)
        let started = ContinuousClock.now
        do {
            _ = try await client.health()
            Issue.record("a stopped server answered (its state in /proc after SIGSTOP: \(state))")
        } catch let error as TallyClientError {
            guard case .timedOut(_, let timeout) = error else { Issue.record("expected timedOut, got \(error)"); return }
            #expect(timeout == .milliseconds(500))
            #expect("\(error)".contains("within 0.5 s"))
        }
        // Generous: the point is that it ends, not how fast (these machines are noisy).
        #expect(ContinuousClock.now - started < .seconds(20))
        await client.shutdown()

        let noSnapshot = try runTally(["health", "--server", server.url, "--timeout", "1"], data: directory.appendingPathComponent("none").path)
        #expect(noSnapshot.status == 75, "\(noSnapshot.output)")
        #expect(noSnapshot.output.contains("no complete answer from \(server.url) within 1 s"), "\(noSnapshot.output)")
        let offline = try runTally(["totals", "--server", server.url, "--timeout", "1"], data: data)
        #expect(offline.status == 0, "\(offline.output)")
        #expect(offline.output.contains("answering from the local snapshot"), "\(offline.output)")
        #expect(offline.output.contains("20,662"))
    }

    /// Sends SIGSTOP and waits (at most 10 s) until the kernel shows the process stopped ("T" in
    /// /proc/PID/stat): the signal is delivered asynchronously, and a loaded run once saw a call
    /// answered right after it. Returns the state last seen.
    private func stopped(_ pid: Int32) -> String {
        kill(pid, SIGSTOP)
        let deadline = ContinuousClock.now + .seconds(10)
        var state = "?"
        repeat {
            let stat = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)) ?? ""
            // The state follows the command name, which is in parentheses and may hold spaces.
            if let close = stat.lastIndex(of: ")") {
                state = String(stat[stat.index(after: close)...].dropFirst().prefix(1))
            }
            if state == "T" || state == "t" { break }
            usleep(5_000)
        } while ContinuousClock.now < deadline
        return state
    }

    private func runTally(_ arguments: [String], data: String) throws -> (status: Int32, output: String) {
        let result = try runProcess(TallydProcess.productsDirectory.appendingPathComponent("tally").path, arguments,
                                    environment: ["PATH": "/usr/bin:/bin", "HOME": data, "TALLY_DATA_DIR": data])
        return (result.status, result.stdout + result.stderr)
    }

    /// A watch across a server restart (the deploy case): tallyd drains and ends the stream, comes
    /// back on the same port; the resuming watch reconnects and goes on after the last change it
    /// delivered. The replay of the partly delivered version is not delivered twice, and what was
    /// published after the restart arrives.
    @Test func watchResumesAcrossAServerRestart() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let database = directory.appendingPathComponent("tally.sqlite").path
        let token = directory.appendingPathComponent("token")
        try Data("watch-token".utf8).write(to: token)
        var server = try TallydProcess(arguments: ["--publish-token-file", token.path], database: database)
        let port = server.port
        let publisher = try makeClient(port)
        func figure(_ id: String) -> Figure {
            Figure(id: id, category: .prosecution, jurisdiction: "UA", measure: "verdicts",
                   period: Period(text: "2025-05-01..2025-05-31")!, kind: .count, value: .exact(1),
                   citations: [Citation(producer: "Test", outlet: "Tally tests", document: "test", quote: "1")])
        }
        struct Done: Error {}
        final class Seen: Sendable {
            let ids = Mutex<[String]>([])
            let interruptions = Mutex(0)
        }
        let seen = Seen()
        let watcher = try makeClient(port)
        let watching = Task {
            do {
                try await watcher.resumingWatch(since: 1, maxDelay: .milliseconds(500), onInterruption: { _ in
                    seen.interruptions.withLock { $0 += 1 }
                }) { event in
                    guard case .change(let change) = event.event, case .upsert(let figure)? = change.kind else { return }
                    if seen.ids.withLock({ $0.append(figure.id); return $0.count }) == 3 { throw Done() }
                }
            } catch is Done {}
        }
        func waitFor(_ count: Int) async throws {
            let deadline = ContinuousClock.now + .seconds(30)
            while seen.ids.withLock({ $0.count }) < count && ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(50))
            }
        }
        // Version 2: two figures in one publish.
        var request = PublishRequest()
        request.figures = [figure("before-restart-a"), figure("before-restart-b")]
        #expect(try await publisher.publish(request, token: "watch-token").datasetVersion == 2)
        try await waitFor(2)
        #expect(seen.ids.withLock { $0 } == ["before-restart-a", "before-restart-b"])

        #expect(server.stop() == 0)
        server = try TallydProcess(arguments: ["--port", String(port), "--publish-token-file", token.path], database: database)
        defer { server.stop() }
        request.figures = [figure("after-restart")]
        #expect(try await publisher.publish(request, token: "watch-token").datasetVersion == 3)
        try await waitFor(3)
        try await watching.value
        #expect(seen.ids.withLock { $0 } == ["before-restart-a", "before-restart-b", "after-restart"])
        #expect(seen.interruptions.withLock { $0 } >= 1)
        await watcher.shutdown()
        await publisher.shutdown()
    }

    /// A server that stops answering in the middle of a watch (SIGSTOP: the connection stays open,
    /// nothing comes back, like a dead host behind a NAT or proxy). The keepalive PINGs go
    /// unanswered, the connection is dropped, the watch reconnects, and once the server is back it
    /// delivers what was published meanwhile.
    @Test func watchNoticesAServerThatStoppedAnswering() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let token = directory.appendingPathComponent("token")
        try Data("watch-token".utf8).write(to: token)
        let server = try TallydProcess(arguments: ["--publish-token-file", token.path])
        defer {
            kill(server.process.processIdentifier, SIGCONT)
            server.stop()
        }
        var configuration = TallyClient.Configuration(server: ServerAddress(secure: false, host: "127.0.0.1", port: server.port))
        configuration.keepaliveInterval = .milliseconds(200)
        let watcher = try TallyClient(configuration: configuration)
        let publisher = try makeClient(server.port)
        final class Seen: Sendable {
            let ids = Mutex<[String]>([])
            let interruptions = Mutex<[String]>([])
        }
        let seen = Seen()
        struct Done: Error {}
        let watching = Task {
            do {
                try await watcher.resumingWatch(since: 1, maxDelay: .milliseconds(300), onInterruption: { interruption in
                    seen.interruptions.withLock { $0.append("\(interruption.error)") }
                }) { event in
                    guard case .change(let change) = event.event, case .upsert(let figure)? = change.kind else { return }
                    if seen.ids.withLock({ $0.append(figure.id); return $0.count }) == 2 { throw Done() }
                }
            } catch is Done {}
        }
        func waitUntil(_ condition: () -> Bool) async throws {
            let deadline = ContinuousClock.now + .seconds(20)
            while !condition() && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(50)) }
        }
        func figure(_ id: String) -> Figure {
            Figure(id: id, category: .prosecution, jurisdiction: "UA", measure: "verdicts",
                   period: Period(text: "2025-05-01..2025-05-31")!, kind: .count, value: .exact(1),
                   citations: [Citation(producer: "Test", outlet: "Tally tests", document: "test", quote: "1")])
        }
        var request = PublishRequest()
        request.figures = [figure("before-stop")]
        _ = try await publisher.publish(request, token: "watch-token")
        try await waitUntil { seen.ids.withLock { $0.count } == 1 }
        // A quiet but healthy connection answers the PINGs: no interruption over many intervals.
        try await Task.sleep(for: .seconds(1))
        #expect(seen.interruptions.withLock { $0 }.isEmpty, "a healthy watch was interrupted")

        _ = stopped(server.process.processIdentifier)
        try await waitUntil { !seen.interruptions.withLock { $0.isEmpty } }
        let first = seen.interruptions.withLock { $0.first }
        #expect(first?.contains("keepalive") == true, "\(first ?? "no interruption: the watch did not notice")")

        kill(server.process.processIdentifier, SIGCONT)
        request.figures = [figure("after-stop")]
        _ = try await publisher.publish(request, token: "watch-token")
        try await waitUntil { seen.ids.withLock { $0.count } == 2 }
        try await watching.value
        #expect(seen.ids.withLock { $0 } == ["before-stop", "after-stop"])
        await watcher.shutdown()
        await publisher.shutdown()
    }

    /// A watch since a version the server cannot replay from ends with `out_of_range` and says why,
    /// at once, instead of watching on without the missed changes; the resuming watch does not retry it.
    @Test func watchSinceAnUnservableVersionIsRefused() async throws {
        let server = try TallydProcess()
        defer { server.stop() }
        let client = try makeClient(server.port)
        for attempt in 0..<2 {
            do {
                if attempt == 0 {
                    try await client.watch(since: 99) { _ in }
                } else {
                    try await client.resumingWatch(since: 99) { _ in }
                }
                Issue.record("watch since 99 was accepted")
            } catch TallyClientError.status(let status) {
                #expect(status.code == .outOfRange)
                #expect(status.message.contains("newer than the dataset (version 1)"), "\(status.message)")
            }
        }
        await client.shutdown()
    }

    /// https:// with a private CA: trusted with --cacert, refused (as a TLS failure) with another CA.
    @Test func tlsWithPrivateAndWrongCA() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let pki = try TestPKI(directory: directory)
        let server = try TallydProcess(arguments: ["--tls-certificate", pki.serverCertificate, "--tls-key", pki.serverKey])
        defer { server.stop() }

        let trusted = try makeClient(server.port, secure: true, host: "localhost", ca: pki.caCertificate)
        #expect(try await trusted.health().status == .serving)
        let totals = try await trusted.totals(TotalsRequest(jurisdiction: "RU", measure: "cases_received_by_courts"))
        #expect(totals.total?.value == .exact(20_662))
        await trusted.shutdown()

        let wrong = try makeClient(server.port, secure: true, host: "localhost", ca: pki.otherCACertificate)
        do {
            _ = try await wrong.health()
            Issue.record("a certificate from an untrusted CA was accepted")
        } catch let error as TallyClientError {
            guard case .tls = error else {
                Issue.record("expected a TLS failure, got \(error)")
                return
            }
        }
        await wrong.shutdown()
    }
}

/// A throwaway CA and a server certificate for `localhost` and 127.0.0.1, made with openssl, plus a
/// second CA that signed nothing.
struct TestPKI {
    let caCertificate: String
    let otherCACertificate: String
    let serverCertificate: String
    let serverKey: String

    init(directory: URL) throws {
        let openssl = try #require(PeerTools.path("openssl"), "openssl is not installed (make test installs it)")
        func path(_ name: String) -> String { directory.appendingPathComponent(name).path }
        func run(_ arguments: [String]) throws {
            let result = try runProcess(openssl, arguments)
            #expect(result.status == 0, "openssl \(arguments.first ?? ""): \(result.stderr)")
        }
        for ca in ["ca", "other-ca"] {
            try run(["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2",
                     "-subj", "/CN=Tally test \(ca)", "-keyout", path("\(ca).key"), "-out", path("\(ca).pem")])
        }
        try run(["req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-subj", "/CN=localhost",
                 "-keyout", path("server.key"), "-out", path("server.csr")])
        try Data("subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n".utf8).write(to: URL(fileURLWithPath: path("server.ext")))
        try run(["x509", "-req", "-in", path("server.csr"), "-CA", path("ca.pem"), "-CAkey", path("ca.key"), "-CAcreateserial",
                 "-days", "2", "-extfile", path("server.ext"), "-out", path("server.pem")])
        caCertificate = path("ca.pem")
        otherCACertificate = path("other-ca.pem")
        serverCertificate = path("server.pem")
        serverKey = path("server.key")
    }
}
