import Foundation
import GRDB
import Synchronization
public import TallyCodec
public import TallyModel

/// A figure as a client received it: the canonical encoding it hashes and stores, and its value.
public struct ReceivedFigure: Sendable {
    public var figure: Figure
    public var encoding: [UInt8]

    public init(figure: Figure, encoding: [UInt8]) {
        self.figure = figure
        self.encoding = encoding
    }
}

/// A page of a snapshot as received, with the hash of its figures. The hash is computed where the
/// page is made (the download's task), so hashing one page overlaps the database writing the last:
/// on a full copy of a million figures both take seconds.
public struct ReceivedPage: Sendable {
    public var figures: [ReceivedFigure]
    /// The multiset hash of `figures`' encodings alone.
    public private(set) var hash: DatasetHash

    public init(_ figures: [ReceivedFigure]) {
        self.figures = figures
        var hash = DatasetHash()
        for received in figures { hash.add(element: received.encoding) }
        self.hash = hash
    }
}

/// What a snapshot's header announced, checked once all of it has arrived.
public struct SnapshotOutcome: Sendable {
    public var version: UInt64
    public var digest: [UInt8]
    public var figureCount: Int

    public init(version: UInt64, digest: [UInt8], figureCount: Int) {
        self.version = version
        self.digest = digest
        self.figureCount = figureCount
    }
}

/// Why a local copy refused what it was given; the copy is as it was before.
public enum LocalCopyError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The result's checksum is not the server's: the delta or the snapshot was wrong or incomplete.
    case digestMismatch(expected: String, actual: String)
    /// The delta starts at a version the copy is not at.
    case wrongBase(local: UInt64, delta: UInt64)
    /// The snapshot announced one number of figures and brought another.
    case countMismatch(announced: Int, received: Int)

    public var description: String {
        switch self {
        case .digestMismatch(let expected, let actual): "the result's digest \(actual.prefix(16))… is not the server's \(expected.prefix(16))…"
        case .wrongBase(let local, let delta): "the changes start at version \(delta), the local copy is at \(local)"
        case .countMismatch(let announced, let received): "the snapshot announced \(announced) figures and brought \(received)"
        }
    }
}

/// The laptop's side: a delta applied, or the whole copy replaced, each as one transaction that
/// commits only when the result's checksum is the server's; anything else (a wrong or short delta,
/// a cut download, a full disk, the process killed) leaves the previous version whole.
extension SQLiteFigureStore {
    /// Applies changes (the latest per figure since `version`) as `newVersion`. With
    /// `recordingChanges`, they also go into this store's change log (a replica's mirror answers
    /// Changes and Watch from it), each under the version that made it.
    public func apply(_ changes: [StoredChange], from version: UInt64, to newVersion: UInt64, expectedDigest: [UInt8],
                      recordingChanges: Bool = false) async throws -> DatasetState {
        try await storageWrite { db in
            let current = try Self.state(db)
            guard current.version == version else { throw LocalCopyError.wrongBase(local: current.version, delta: version) }
            var hash = current.hash
            var added = 0
            for change in changes {
                let existed: Bool
                if let (_, old) = try Self.stored(id: change.figureID, db) {
                    hash.remove(element: old)
                    existed = true
                } else {
                    existed = false
                }
                switch change.kind {
                case .upsert(let figure):
                    hash.add(element: try Self.insert(figure, db))
                    if !existed { added += 1 }
                case .retracted(let id):
                    try Self.delete(id: id, db)
                    if existed { added -= 1 }
                }
                if recordingChanges {
                    try db.cachedStatement(sql: "INSERT OR REPLACE INTO change (version, figure_id, retracted) VALUES (?, ?, ?)")
                        .execute(arguments: [Int64(change.version), change.figureID, change.isRetraction ? 1 : 0])
                }
            }
            guard hash.checksum == expectedDigest else {
                throw LocalCopyError.digestMismatch(expected: Self.hex(expectedDigest), actual: hash.checksumHex)
            }
            try Self.adjustFigureCount(by: added, db)
            try Self.setState(DatasetState(version: newVersion, hash: hash), db)
            return DatasetState(version: newVersion, hash: hash)
        }
    }

    /// Replaces the copy with a snapshot that arrives page by page: `receive` is handed a function
    /// that passes one page on (and waits while the disk is behind), and returns what the header
    /// announced. All in one transaction, committed only if count and digest match it.
    public func replaceAll(receive: (_ deliver: @escaping @Sendable (ReceivedPage) async throws -> Void) async throws -> SnapshotOutcome) async throws -> DatasetState {
        let queue = PageQueue<ReceivedPage>(capacity: 4)
        let outcome = AnnouncedOutcome()
        let writing = Task {
            do {
                return try await self.storageWrite { db in try Self.replace(from: queue, outcome: outcome, db) }
            } catch {
                queue.abandon(error)
                throw error
            }
        }
        do {
            let announced = try await receive { page in try await queue.put(page) }
            outcome.value.withLock { $0 = announced }
            queue.finish()
        } catch {
            queue.fail(error)
            _ = try? await writing.value
            throw error
        }
        return try await writing.value
    }

    /// The secondary indexes are dropped for the copy and built again after it, in the same
    /// transaction: building an index from a million rows sorts once, where keeping it up to date
    /// row by row scatters writes over the whole index (figures arrive in id order, so the tables
    /// themselves are appended to).
    private static func replace(from queue: PageQueue<ReceivedPage>, outcome: AnnouncedOutcome, _ db: Database) throws -> DatasetState {
        let indexes = try Row.fetchAll(db, sql: """
            SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN ('figure', 'citation')
            """).map { (name: $0["name"] as String, sql: $0["sql"] as String) }
        for index in indexes { try db.execute(sql: "DROP INDEX \(index.name.quotedDatabaseIdentifier)") }
        try db.execute(sql: "DELETE FROM figure; DELETE FROM citation; DELETE FROM change; DELETE FROM publish;")
        var hash = DatasetHash()
        var count = 0
        let rows = try BulkFigureInsert(db)
        while let page = try queue.take() {
            for received in page.figures {
                try rows.insert(received.figure, encoding: received.encoding)
            }
            hash.formSum(page.hash)
            count += page.figures.count
        }
        // `take` returned nil: the producer has set the outcome, then finished.
        guard let announced = outcome.value.withLock({ $0 }) else { throw LocalCopyError.countMismatch(announced: 0, received: count) }
        guard count == announced.figureCount else { throw LocalCopyError.countMismatch(announced: announced.figureCount, received: count) }
        guard hash.checksum == announced.digest else {
            throw LocalCopyError.digestMismatch(expected: hex(announced.digest), actual: hash.checksumHex)
        }
        // SQLite's sorter may use a second thread for each index (its merge passes): 4.3 s → 2.6 s
        // for the three indexes of a 1M-figure copy, measured A/B on the benchmark's setup. Only
        // for these builds: a replica's mirror keeps this connection for every later publish.
        try db.execute(sql: "PRAGMA threads = 2")
        defer { try? db.execute(sql: "PRAGMA threads = 0") }
        for index in indexes { try db.execute(sql: index.sql) }
        let state = DatasetState(version: announced.version, hash: hash)
        try setState(state, db)
        try db.execute(sql: "UPDATE dataset SET log_start = ?, figure_count = ? WHERE id = 1", arguments: [Int64(announced.version), count])
        return state
    }

    static func setState(_ state: DatasetState, _ db: Database) throws {
        try db.execute(sql: "UPDATE dataset SET version = ?, digest = ?, hash = ? WHERE id = 1",
                       arguments: [Int64(state.version), Data(state.hash.checksum), Data(state.hash.stateBytes)])
    }

    static func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }

    /// Every figure, in id order (offline answers over a small copy).
    public func allFigures() async throws -> [Figure] {
        try await writer.read { db in try Row.fetchAll(db, sql: "SELECT id, body FROM figure ORDER BY id").map(Self.decode) }
    }
}

/// The header's announcement, handed from the download to the transaction that checks it.
final class AnnouncedOutcome: Sendable {
    let value = Mutex<SnapshotOutcome?>(nil)
}
