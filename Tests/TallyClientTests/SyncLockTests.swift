import Foundation
import GRDBSQLite
import Synchronization
import Testing
@testable import TallyClient
import TallyStore
import TallyTestSupport

/// One sync at a time into a copy (`SyncLock`), and a copy that is busy is not a damaged one.
@Suite(.timeLimit(.minutes(1)))
struct SyncLockTests {
    private func temporaryDirectory() throws -> URL {
        try makeTemporaryDirectory("sync-lock")
    }

    /// The second taker waits (and says so, once) until the first lets go; no clock involved: the
    /// wait is seen through `onWait`, the release by dropping the first lock.
    @Test func aSecondSyncWaitsForTheFirst() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("snapshot.sqlite").path
        var first: SyncLock? = try await SyncLock.acquire(besides: path)
        let (waits, waited) = AsyncStream.makeStream(of: Void.self)
        let second = Task { try await SyncLock.acquire(besides: path, interval: .milliseconds(5)) { waited.yield() } }
        var iterator = waits.makeAsyncIterator()
        _ = await iterator.next()
        withExtendedLifetime(first) {}
        first = nil
        let taken = try await second.value
        waited.finish()
        #expect(await iterator.next() == nil, "onWait is called once")
        withExtendedLifetime(taken) {}
    }

    /// A lock whose holder went away is free: the kernel drops a process's `flock`s with it.
    @Test func aLockIsFreeOnceItsTakerIsGone() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("snapshot.sqlite").path
        let holder = try runProcess("/usr/bin/flock", ["--exclusive", path + ".lock", "/bin/true"])
        #expect(holder.status == 0, "\(holder.stderr)")
        let waitedFor = Mutex(false)
        _ = try await SyncLock.acquire(besides: path) { waitedFor.withLock { $0 = true } }
        #expect(!waitedFor.withLock { $0 })
    }

    /// Another process in the middle of writing the copy (here: making it, its first transaction
    /// still open) makes opening it fail with SQLITE_BUSY. That copy is not damaged: the sync fails
    /// naming the file and leaves it where it is. (It was moved aside as "damaged" and replaced:
    /// how two first syncs at once lost one of them.)
    @Test func aBusyCopyIsNotTakenForADamagedOne() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("snapshot.sqlite").path
        var connection: OpaquePointer?
        try #require(sqlite3_open(path, &connection) == SQLITE_OK)
        defer { sqlite3_close(connection) }
        try #require(sqlite3_exec(connection, "BEGIN EXCLUSIVE; CREATE TABLE being_made (x);", nil, nil, nil) == SQLITE_OK)

        let server = try TallydProcess()
        defer { server.stop() }
        var configuration = TallyClient.Configuration(server: ServerAddress(secure: false, host: "127.0.0.1", port: server.port))
        configuration.retries = 1
        let client = try TallyClient(configuration: configuration)
        await #expect { try await SnapshotSync(client: client, path: path).sync() } throws: { error in
            (error as? StoreFailure)?.path == path && !StoreFailure.meansDamage(error)
        }
        await client.shutdown()
        #expect(!FileManager.default.fileExists(atPath: path + ".corrupt"), "the busy copy was moved aside")
        #expect(sqlite3_exec(connection, "COMMIT", nil, nil, nil) == SQLITE_OK, "the other writer's transaction survived")
    }
}
