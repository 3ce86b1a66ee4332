import Foundation
import GRDB
import TallyModel
#if canImport(Glibc)
import Glibc
#endif

/// A copy built whole in a file of its own, then put in place of the old one: the laptop's full
/// download. Beside an open database, a replacement inside one transaction writes every page
/// twice (the write-ahead log, then the checkpoint) and keeps the old figures until it commits;
/// a new file is written once, with no journal, and the old copy stays untouched, and whole, until
/// a rename swaps them. An unfinished new file is thrown away, never repaired.
extension SQLiteFigureStore {
    /// An empty store at `path` (anything there is removed first), for `replaceAll` and then
    /// `finishBuilding`. No journal and no syncing while it fills: until it is finished it is
    /// nobody's copy, and a failure removes it. A 16 MiB page cache kept the client at 78 MB for a
    /// 1M-figure copy, where 64 MiB gave it 176 MB and no speed. SQLite's 4 KiB pages stay: 16 KiB
    /// ones made the copy 1.5 s faster, but every later delta writes each page it touches whole,
    /// and a delta of 100 figures touches some 500 scattered pages.
    public static func building(at path: String) throws -> SQLiteFigureStore {
        removeDatabaseFiles(at: path)
        var configuration = Configuration()
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA cache_size = -16384")
        }
        return try SQLiteFigureStore(writer: try DatabaseQueue(path: path, configuration: configuration), seed: { [] })
    }

    /// Makes a built store an ordinary one and closes it: write-ahead logging from its next
    /// opening on, and the file flushed to the disk, so that once it is renamed into place a power
    /// cut cannot leave a copy whose pages never reached the disk.
    public func finishBuilding() throws {
        try writer.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA journal_mode = WAL") }
        let path = writer.path
        try writer.close()
        try Self.flushToDisk(path)
    }

    /// Closes the store; using it afterwards is an error.
    public func close() throws {
        try writer.close()
    }

    /// Puts the finished store at `built` in the place of the (closed) one at `path`: the old
    /// copy's write-ahead log and shared-memory index go first (SQLite would otherwise apply the
    /// old log to the new file), then one atomic rename, then the directory is flushed. Killed at
    /// any point, the path holds the old copy or the new one, each whole.
    public static func moveBuilt(_ built: String, to path: String) throws {
        for suffix in ["-wal", "-shm"] where FileManager.default.fileExists(atPath: path + suffix) {
            try FileManager.default.removeItem(atPath: path + suffix)
        }
        guard rename(built, path) == 0 else {
            throw StoreFailure(.ioError, path: path, "cannot move the new copy \(built) into place: \(String(cString: strerror(errno)))")
        }
        try flushToDisk((path as NSString).deletingLastPathComponent)
    }

    /// Removes a database file and whatever SQLite keeps beside it.
    public static func removeDatabaseFiles(at path: String) {
        for suffix in ["", "-journal", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    }

    private static func flushToDisk(_ path: String) throws {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else {
            throw StoreFailure(.ioError, path: path, "cannot open it to flush it to the disk: \(String(cString: strerror(errno)))")
        }
        defer { Glibc.close(descriptor) }
        guard fsync(descriptor) == 0 else {
            throw StoreFailure(.ioError, path: path, "flushing it to the disk failed: \(String(cString: strerror(errno)))")
        }
    }
}
