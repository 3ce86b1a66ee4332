import Foundation
import Testing
import TallyCodec
import TallyModel
import TallyTestSupport

/// Faults at the disk, with tallyd as a process: the database's file system full during a publish
/// (a real one, a small tmpfs mounted by the test), a database file damaged before the start, and
/// a directory tallyd may not write. What a client sees, what the operator reads, and that nothing
/// unverified is ever served.
@Suite(.serialized, .timeLimit(.minutes(3)))
struct StorageFaultTests {
    static let tallyd = TallydProcess.productsDirectory.appendingPathComponent("tallyd").path

    private func temporaryDirectory() throws -> URL {
        try makeTemporaryDirectory("storage")
    }

    /// A tallyd that must refuse to start, run to its end: bounded by timeout(1), so one that wrongly
    /// serves ends with 124 instead of hanging the test.
    private func refusedStart(database: String, launcher: [String] = []) throws -> (status: Int32, stdout: String, stderr: String) {
        let command = launcher + ["/usr/bin/timeout", "20", Self.tallyd, "--port", "0", "--database", database]
        return try runProcess(command[0], Array(command.dropFirst()))
    }

    /// A database made by tallyd and closed, its write-ahead log checkpointed into the file by
    /// Python's sqlite3 (another SQLite, another program), so the file alone holds the dataset.
    private func closedDatabase(in directory: URL) throws -> String {
        let path = directory.appendingPathComponent("tally.sqlite").path
        // Its exit status is not the point: a tallyd stopped before its signal handlers are in place
        // dies of the SIGTERM, and the checkpoint below makes the file whole either way.
        try TallydProcess(database: path).stop()
        let checkpoint = try runProcess("/usr/bin/python3", ["-c", "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); "
                                                               + "c.execute('PRAGMA wal_checkpoint(TRUNCATE)'); c.close()", path])
        #expect(checkpoint.status == 0, "\(checkpoint.stderr)")
        return path
    }

    @Test func aTruncatedDatabaseIsNeverServed() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = try closedDatabase(in: directory)
        let size = try #require(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
        #expect(truncate(path, off_t(size / 2)) == 0)
        let result = try refusedStart(database: path)
        #expect(result.status == 65, "exit status \(result.status): \(result.stderr)")
        #expect(result.stderr.contains("tallyd: cannot serve: database \(path): "), "\(result.stderr)")
        #expect(!result.stdout.contains("listening"))
    }

    @Test func aCorruptedFigureIsNeverServed() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = try closedDatabase(in: directory)
        var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        let producer = Array("Mediazona".utf8)
        let at = try #require((0...(bytes.count - producer.count)).first { bytes[$0..<($0 + producer.count)].elementsEqual(producer) })
        bytes[at] = UInt8(ascii: "W")  // "Wediazona": SQLite's integrity check cannot see it; the digest can
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let result = try refusedStart(database: path)
        #expect(result.status == 65, "exit status \(result.status): \(result.stderr)")
        #expect(result.stderr.contains("database \(path): the stored digest of version 1 does not match its"), "\(result.stderr)")
        #expect(!result.stdout.contains("listening"))
    }

    /// Root may write anywhere: tallyd runs without capabilities here, as in a container.
    @Test func aReadOnlyDirectoryIsAClearError() throws {
        let directory = try temporaryDirectory()
        defer {
            chmod(directory.path, 0o755)
            try? FileManager.default.removeItem(at: directory)
        }
        let existing = try closedDatabase(in: directory)
        #expect(chmod(directory.path, 0o555) == 0)
        for path in [existing, directory.appendingPathComponent("new.sqlite").path] {
            let result = try refusedStart(database: path, launcher: Unprivileged.launcher)
            #expect(result.status == 73, "\(path): exit status \(result.status): \(result.stderr)")
            #expect(result.stderr.contains("tallyd: cannot serve: database \(path): the directory \(directory.path) is not writable"), "\(result.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("new.sqlite").path))
    }
}
