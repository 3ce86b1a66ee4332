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
struct FaultTests: ClientFaultScenarios {
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
