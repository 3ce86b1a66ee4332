import Foundation
import Testing
import TallyClient
import TallyStore
import TallyTestSupport

/// A sync that does not finish leaves the previous version whole: a delta or a full download cut
/// short at any byte (a relay that drops the connection after N server bytes, N spread over the
/// whole exchange), `tally sync` killed with SIGKILL while it writes, and the local copy's disk
/// filling up during the download. Each time the copy is the version it was, byte for byte in its
/// state, and the next sync completes.
@Suite(.serialized, .timeLimit(.minutes(5)), .enabled(if: Peers.pythonTestsEnabled, "needs TALLY_PYTHON"))
struct SyncInterruptionTests {
    private func temporaryDirectory() throws -> URL {
        try makeTemporaryDirectory("sync-cut")
    }

    /// Publishes `count` generated figures as the next version of the database (no tallyd on it).
    private func publish(_ count: Int, into database: String) throws {
        let result = try runProcess(TallydProcess.productsDirectory.appendingPathComponent("TallyStoreCrashHelper").path, [database, String(count)])
        try #require(result.status == 0, "\(result.stderr)")
    }

    private func sync(port: Int, path: String) async throws -> SyncReport {
        var configuration = TallyClient.Configuration(server: ServerAddress(secure: false, host: "127.0.0.1", port: port))
        configuration.retries = 1
        let client = try TallyClient(configuration: configuration)
        do {
            let report = try await SnapshotSync(client: client, path: path).sync()
            await client.shutdown()
            return report
        } catch {
            await client.shutdown()
            throw error
        }
    }

    /// The server bytes of one whole sync from the copy at `path` (synced from a copy of it through
    /// a relay that cuts nothing), and that sync's report.
    private func exchange(port: Int, copying path: String, in directory: URL) async throws -> (length: Int, report: SyncReport) {
        let copy = directory.appendingPathComponent("measure-\(UUID().uuidString).sqlite").path
        for suffix in ["", "-wal"] where FileManager.default.fileExists(atPath: path + suffix) {
            try FileManager.default.copyItem(atPath: path + suffix, toPath: copy + suffix)
        }
        let proxy = try CutProxy(upstreamPort: port, cut: nil)
        defer { proxy.stop() }
        let report = try await sync(port: proxy.port, path: copy)
        let deadline = ContinuousClock.now + .seconds(10)
        while proxy.relayed.isEmpty, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(10)) }
        let length = try #require(proxy.relayed.first, "the relay never reported the connection's end")
        return (length, report)
    }

    /// Cuts inside the connection's first frames, and spread over the rest of the exchange.
    private func cuts(_ length: Int) -> [Int] {
        [1, 9, 30] + [0.1, 0.3, 0.5, 0.7, 0.9].map { Int(Double(length) * $0) }
    }

    /// Syncs through a relay cut at each point: every attempt fails, the copy stays at `before`.
    private func expectEveryCutFails(port: Int, path: String, length: Int, before: DatasetState) async throws {
        for cut in cuts(length) {
            let proxy = try CutProxy(upstreamPort: port, cut: cut)
            defer { proxy.stop() }
            await #expect(throws: (any Error).self, "cut after \(cut) of \(length) server bytes") {
                try await sync(port: proxy.port, path: path)
            }
            #expect(try await LocalCopy.open(path: path).state() == before, "cut after \(cut) of \(length) server bytes")
        }
    }

    @Test func aDeltaCutShortAnywhereLeavesThePreviousVersion() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let database = directory.appendingPathComponent("tally.sqlite").path
        let path = directory.appendingPathComponent("snapshot.sqlite").path
        var server = try TallydProcess(database: database)
        _ = try await sync(port: server.port, path: path)
        server.stop()
        try publish(400, into: database)
        server = try TallydProcess(database: database)
        defer { server.stop() }
        let before = try await LocalCopy.open(path: path).state()

        let (length, measured) = try await exchange(port: server.port, copying: path, in: directory)
        #expect(measured.kind == .delta && measured.figuresTransferred == 400)
        try await expectEveryCutFails(port: server.port, path: path, length: length, before: before)

        let report = try await sync(port: server.port, path: path)
        #expect(report.kind == .delta && report.toVersion == 2 && report.figuresTransferred == 400)
    }

    /// The copy is at version 2 of another database; this server, at version 1, sends its whole
    /// snapshot (a copy newer than the server cannot take a delta).
    @Test func aFullSyncCutShortAnywhereLeavesThePreviousVersion() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = try await copyAheadOfAFreshServer(in: directory)
        let server = try TallydProcess(database: directory.appendingPathComponent("fresh.sqlite").path)
        defer { server.stop() }
        let before = try await LocalCopy.open(path: path).state()

        let (length, measured) = try await exchange(port: server.port, copying: path, in: directory)
        #expect(measured.kind == .full)
        try await expectEveryCutFails(port: server.port, path: path, length: length, before: before)

        let report = try await sync(port: server.port, path: path)
        #expect(report.kind == .full && report.toVersion == 1)
    }

    /// A local copy at version 3 of a database of its own (the embedded dataset and two publishes
    /// of 5), at `directory/snapshot.sqlite`, where `tally` with TALLY_DATA_DIR=directory keeps it.
    private func copyAheadOfAFreshServer(in directory: URL) async throws -> String {
        let database = directory.appendingPathComponent("ahead.sqlite").path
        let path = DataDirectory.snapshotPath(environment: ["TALLY_DATA_DIR": directory.path])
        _ = try SQLiteFigureStore.openSeeded(path: database)
        try publish(5, into: database)
        try publish(5, into: database)
        let server = try TallydProcess(database: database)
        defer { server.stop() }
        #expect(try await sync(port: server.port, path: path).toVersion == 3)
        return path
    }

    /// A server at version 2 with 20,000 figures more than the embedded dataset.
    private func largeServer(in directory: URL) throws -> TallydProcess {
        let database = directory.appendingPathComponent("large.sqlite").path
        try publish(20_000, into: database)
        return try TallydProcess(database: database)
    }

    private func tally(_ arguments: [String], data: String) throws -> Process {
        let process = Process()
        process.executableURL = TallydProcess.productsDirectory.appendingPathComponent("tally")
        process.arguments = arguments
        process.environment = ["PATH": "/usr/bin:/bin", "HOME": data, "TALLY_DATA_DIR": data]
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    /// Files of full downloads beside the copy at `path`.
    private func downloads(besides path: String) -> [String] {
        let name = (path as NSString).lastPathComponent + ".download"
        return ((try? FileManager.default.contentsOfDirectory(atPath: (path as NSString).deletingLastPathComponent)) ?? [])
            .filter { $0.hasPrefix(name) }
    }

    /// Two first syncs into one directory at once: both succeed, the copy is whole, nothing is
    /// left beside it. Before `SyncLock` they raced twice over: with one download file, one could
    /// rename the other's unfinished file into place (3 runs of 3), and `openLocalCopy` took the
    /// copy the other was creating (locked, half-migrated) for a damaged one and moved it aside
    /// (1 run in 4–6: exit 70 "disk I/O error", or 74). Now the second waits for the first.
    @Test func twoFullSyncsAtOnceLeaveAWholeCopy() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let server = try largeServer(in: directory)
        defer { server.stop() }
        let data = directory.appendingPathComponent("data")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        let path = DataDirectory.snapshotPath(environment: ["TALLY_DATA_DIR": data.path])
        let first = try tally(["sync", "--server", server.url], data: data.path)
        let second = try tally(["sync", "--server", server.url], data: data.path)
        try await onOwnThread { first.waitUntilExit(); second.waitUntilExit() }
        #expect(first.terminationStatus == 0 && second.terminationStatus == 0)
        let copy = try LocalCopy.open(path: path)
        #expect(try await copy.state().version == 2)
        try await copy.verify()
        #expect(downloads(besides: path).isEmpty)
        #expect(!FileManager.default.fileExists(atPath: path + ".corrupt"), "a copy was taken for a damaged one")
    }

    @Test func tallySyncKilledWhileWritingLeavesThePreviousVersion() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = try await copyAheadOfAFreshServer(in: directory)
        let server = try largeServer(in: directory)
        defer { server.stop() }
        let before = try await LocalCopy.open(path: path).state()

        let sync = try tally(["sync", "--server", server.url], data: directory.path)
        // A full download is written into a new file beside the copy, renamed into place once whole.
        let deadline = ContinuousClock.now + .seconds(60)
        let download = "\(path).download"
        func downloadSize() -> Int { ((try? FileManager.default.attributesOfItem(atPath: download))?[.size] as? Int) ?? 0 }
        while sync.isRunning, downloadSize() < 1 << 20, ContinuousClock.now < deadline { usleep(2_000) }
        guard sync.isRunning else {
            Issue.record("tally sync finished before it was killed; the test needs a larger download")
            return
        }
        kill(sync.processIdentifier, SIGKILL)
        sync.waitUntilExit()
        #expect(sync.terminationReason == .uncaughtSignal)
        #expect(try await LocalCopy.open(path: path).state() == before)

        let again = try runProcess(TallydProcess.productsDirectory.appendingPathComponent("tally").path, ["sync", "--server", server.url],
                                   environment: ["PATH": "/usr/bin:/bin", "HOME": directory.path, "TALLY_DATA_DIR": directory.path])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(try await LocalCopy.open(path: path).state().version == 2)
        #expect(downloads(besides: path).isEmpty, "the killed download's file was left behind")
    }

    /// The local copy on a small tmpfs (root only) that fills during the download: `tally sync`
    /// exits 74 saying the disk is full, the copy keeps its version; with space again, it syncs.
    @Test(.enabled(if: getuid() == 0 || Peers.required, "mounting a tmpfs needs root"))
    func aDiskThatFillsDuringASyncLeavesThePreviousVersion() async throws {
        let directory = try temporaryDirectory()
        let data = directory.appendingPathComponent("fs")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        let mount = try runProcess("/bin/mount", ["-t", "tmpfs", "-o", "size=64m,mode=0755", "tmpfs", data.path])
        try #require(mount.status == 0, "cannot mount a tmpfs: \(mount.stderr)")
        defer {
            _ = try? runProcess("/bin/umount", ["-l", data.path])
            try? FileManager.default.removeItem(at: directory)
        }
        let path = try await copyAheadOfAFreshServer(in: data)
        let server = try largeServer(in: directory)
        defer { server.stop() }
        let before = try await LocalCopy.open(path: path).state()
        // All but 1 MiB of the file system taken.
        let filler = data.appendingPathComponent("filler").path
        let fd = open(filler, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        try #require(fd >= 0)
        let chunk = [UInt8](repeating: 0x5A, count: 1 << 16)
        var written = 0
        while chunk.withUnsafeBytes({ write(fd, $0.baseAddress, $0.count) }) > 0 { written += chunk.count }
        #expect(errno == ENOSPC)
        try #require(ftruncate(fd, off_t(max(0, written - (1 << 20)))) == 0)
        close(fd)

        let environment = ["PATH": "/usr/bin:/bin", "HOME": data.path, "TALLY_DATA_DIR": data.path]
        let tally = TallydProcess.productsDirectory.appendingPathComponent("tally").path
        let full = try runProcess(tally, ["sync", "--server", server.url], environment: environment)
        #expect(full.status == 74, "\(full.stderr)")
        #expect(full.stderr.contains("full"), "\(full.stderr)")
        #expect(full.stderr.contains("the previous local snapshot is unchanged"), "\(full.stderr)")
        #expect(try await LocalCopy.open(path: path).state() == before)
        #expect(downloads(besides: path).isEmpty, "the failed download's file was left behind")

        try FileManager.default.removeItem(atPath: filler)
        let again = try runProcess(tally, ["sync", "--server", server.url], environment: environment)
        #expect(again.status == 0, "\(again.stderr)")
        #expect(try await LocalCopy.open(path: path).state().version == 2)
    }
}
