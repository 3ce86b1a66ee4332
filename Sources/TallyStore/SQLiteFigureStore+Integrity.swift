import Foundation
import GRDB
import TallyCodec
import TallyDataset
import TallyModel
#if canImport(Glibc)
import Glibc
#endif

/// What is wrong with the store's file or the disk under it, named so an operator can act: the
/// file, the kind of fault, and what was found. Raised when the store is opened for serving
/// (`openVerified`) and by writes (`StoreFailure.Kind.diskFull` during a publish).
public struct StoreFailure: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// The file system holding the database has no space left; nothing was written.
        case diskFull
        /// The database, or the directory SQLite keeps its write-ahead log in, cannot be written.
        case notWritable
        /// The file is not an intact Tally store: not SQLite, failing SQLite's integrity check,
        /// or figures that do not match the stored digest. Nothing from it is served.
        case damaged
        /// Any other I/O failure of the disk under the database.
        case ioError
    }

    public var kind: Kind
    public var path: String
    public var problem: String

    public init(_ kind: Kind, path: String, _ problem: String) {
        self.kind = kind
        self.path = path
        self.problem = problem
    }

    public var description: String { "database \(path): \(problem)" }

    /// The exit status of a command that stops on this (sysexits.h), the same for tallyd and
    /// tally: 65 a damaged file, 73 one that cannot be written, 74 a disk that fails or is full.
    public var exitCode: Int32 {
        switch kind {
        case .damaged: 65
        case .notWritable: 73
        case .diskFull, .ioError: 74
        }
    }
}

extension SQLiteFigureStore {
    /// Opens the store tallyd serves. An existing file is checked first through a read-only
    /// connection, before any migration or seeding could write to it: SQLite's integrity check,
    /// the schema, every figure decoding, and the digest recomputed from the figures against the
    /// stored one. A missing file is created from the embedded dataset. Every failure is a
    /// `StoreFailure` naming the file.
    public static func openVerified(path: String) throws -> SQLiteFigureStore {
        if FileManager.default.fileExists(atPath: path) {
            try verifyFile(at: path)
        } else {
            try checkDirectoryWritable(for: path)
        }
        do {
            return try SQLiteFigureStore(path: path, seed: try EmbeddedDataset.load())
        } catch let error as DatabaseError {
            throw StoreFailure(error, path: path)
        }
    }

    /// The read-only check of an existing file (see `openVerified`).
    static func verifyFile(at path: String) throws {
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? nil
        if size == 0 {
            throw StoreFailure(.damaged, path: path, "the file is empty (0 bytes), so it was truncated or never was a Tally database; "
                               + "restore it from a backup, or remove it to start again from the embedded dataset")
        }
        guard access(path, W_OK) == 0 else {
            throw StoreFailure(.notWritable, path: path, "the file is not writable (\(String(cString: strerror(errno)))): tallyd writes every publish to it")
        }
        try checkDirectoryWritable(for: path)
        var configuration = Configuration()
        configuration.readonly = true
        do {
            let queue = try DatabaseQueue(path: path, configuration: configuration)
            try queue.read { db in try checkContents(db, path: path) }
            try queue.close()
        } catch let error as DatabaseError {
            throw StoreFailure(error, path: path)
        }
    }

    private static func checkContents(_ db: Database, path: String) throws {
        let report = try String.fetchAll(db, sql: "PRAGMA integrity_check(5)")
        guard report == ["ok"] else {
            throw StoreFailure(.damaged, path: path, "SQLite's integrity check failed: \(report.joined(separator: "; "))")
        }
        guard try db.tableExists("dataset"), try db.tableExists("figure") else {
            throw StoreFailure(.damaged, path: path, "an SQLite database, but not a Tally store (no dataset or figure table)")
        }
        let figures = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM figure") ?? 0
        guard try Row.fetchOne(db, sql: "SELECT 1 FROM dataset WHERE id = 1") != nil else {
            // Created but never seeded (a first start stopped in between): nothing to lose.
            if figures == 0 { return }
            throw StoreFailure(.damaged, path: path, "\(figures) figures but no dataset version and digest")
        }
        let rows = try Row.fetchCursor(db, sql: "SELECT id, body FROM figure ORDER BY id")
        var actual = DatasetHash()
        do {
            while let row = try rows.next() {
                _ = try decode(row)
                let body: Data = row["body"]
                body.withUnsafeBytes { actual.add(element: $0) }
            }
        } catch StoreError.corruptFigure(let id, let reason) {
            throw StoreFailure(.damaged, path: path, "figure \(id) no longer decodes (\(reason))")
        }
        // A store of the first release (schema v1) has no hash yet: its migration computes it.
        guard try db.columns(in: "dataset").contains(where: { $0.name == "hash" }) else { return }
        let stored = try state(db)
        guard actual == stored.hash else {
            throw StoreFailure(.damaged, path: path, "the stored digest of version \(stored.version) does not match its \(figures) figures "
                               + "(stored \(stored.digestHex.prefix(16))…, computed \(actual.checksumHex.prefix(16))…)")
        }
        // From schema v3 on the count is kept beside the version; a reader announces it.
        if try db.columns(in: "dataset").contains(where: { $0.name == "figure_count" }) {
            let counted = try figureCount(db)
            guard counted == figures else {
                throw StoreFailure(.damaged, path: path, "the stored figure count of version \(stored.version) is \(counted), but it has \(figures) figures")
            }
        }
    }

    /// SQLite creates the database, and its `-wal` and `-shm` files, beside it.
    private static func checkDirectoryWritable(for path: String) throws {
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        guard access(directory, W_OK) == 0 else {
            throw StoreFailure(.notWritable, path: path, "the directory \(directory) is not writable (\(String(cString: strerror(errno)))): "
                               + "SQLite creates the database and its write-ahead log (-wal, -shm) there")
        }
    }

    /// A write of the store, with the disk's failures as `StoreFailure` (a full disk above all).
    func storageWrite<T: Sendable>(_ updates: @Sendable (Database) throws -> T) async throws -> T {
        do {
            return try await writer.write(updates)
        } catch let error as DatabaseError {
            guard let failure = StoreFailure(writing: error, path: writer.path) else { throw error }
            throw failure
        }
    }
}

extension StoreFailure {
    /// SQLite's result codes as faults of the disk or the file; others are not this type's business.
    init?(writing error: DatabaseError, path: String) {
        switch error.resultCode {
        case .SQLITE_FULL:
            self.init(.diskFull, path: path, "the file system holding the database is full; nothing was written (\(error.message ?? "SQLITE_FULL"))")
        case .SQLITE_READONLY:
            self.init(.notWritable, path: path, "the database cannot be written (\(error.message ?? "SQLITE_READONLY"))")
        case .SQLITE_CORRUPT, .SQLITE_NOTADB:
            self.init(.damaged, path: path, "the database is damaged (\(error.message ?? "SQLITE_CORRUPT"))")
        case .SQLITE_IOERR:
            self.init(.ioError, path: path, "the disk failed (\(error.message ?? "SQLITE_IOERR"), extended code \(error.extendedResultCode.rawValue))")
        default:
            return nil
        }
    }

    /// Opening: the same, and anything else SQLite says is named with the file too.
    init(_ error: DatabaseError, path: String) {
        if let failure = StoreFailure(writing: error, path: path) {
            self = failure
        } else if error.resultCode == .SQLITE_CANTOPEN {
            self.init(.notWritable, path: path, "SQLite cannot open it (\(error.message ?? "SQLITE_CANTOPEN"))")
        } else {
            self.init(.ioError, path: path, "SQLite: \(error.message ?? "\(error.resultCode)")")
        }
    }
}

extension StoreFailure {
    /// Whether `error`, from opening or verifying a copy, says the file itself is not a usable
    /// copy (not a database, not a Tally store, figures that do not match its hash), as against
    /// the moment (busy, locked, interrupted) or the machine (disk, memory, permissions), where
    /// the file may be fine and must be left alone.
    public static func meansDamage(_ error: any Error) -> Bool {
        switch error {
        case let failure as StoreFailure:
            return failure.kind == .damaged
        case let error as DatabaseError:
            switch error.resultCode {
            case .SQLITE_BUSY, .SQLITE_LOCKED, .SQLITE_IOERR, .SQLITE_FULL, .SQLITE_READONLY, .SQLITE_CANTOPEN,
                 .SQLITE_PERM, .SQLITE_NOMEM, .SQLITE_INTERRUPT, .SQLITE_AUTH:
                return false
            default:
                return true
            }
        default:
            return true
        }
    }

    /// `error` with the file named, when it is SQLite's own.
    public static func naming(_ error: any Error, path: String) -> any Error {
        (error as? DatabaseError).map { StoreFailure($0, path: path) } ?? error
    }
}
