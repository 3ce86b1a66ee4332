import Foundation
import GRDB
import TallyCodec
public import TallyModel

/// The durable dataset: figures, the dataset version and digest, and the change log, in SQLite
/// (WAL) through GRDB. The only module that touches SQLite.
///
/// Every read and write is `async` and runs on GRDB's own threads: no caller's thread (an event
/// loop least of all) ever waits on SQLite, a disk or a lock.
///
/// Every write is one transaction: a publish is in the store whole or not at all, even if the
/// process is killed in the middle of it, and the stored digest always matches the stored figures.
/// Figures are kept as their canonical wire encoding, the bytes the digest is computed over and the
/// bytes a snapshot streams.
public final class FigureStore: Sendable {
    let writer: any DatabaseWriter

    /// Opens (or creates) the store at `path`. A new store is filled with `seed` as version 1.
    public init(path: String, seed: @autoclosure () throws -> [Figure]) throws {
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { db in
            // Durable commits: a publish acknowledged to a client survives a power cut.
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        writer = try DatabasePool(path: path, configuration: configuration)
        try StoreMigrations.migrator.migrate(writer)
        try seedIfEmpty(seed)
    }

    /// An in-memory store, for tests and tools.
    public init(inMemoryWith seed: [Figure]) throws {
        writer = try DatabaseQueue()
        try StoreMigrations.migrator.migrate(writer)
        try seedIfEmpty { seed }
    }

    private func seedIfEmpty(_ seed: () throws -> [Figure]) throws {
        let seeded = try writer.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM dataset")! > 0 }
        guard !seeded else { return }
        let figures = try seed()
        let violations = figures.violations()
        guard violations.isEmpty else { throw PublishError.invalid(violations) }
        try writer.write { db in
            for var figure in figures {
                figure.revision = 1
                try insert(figure, version: 1, db)
            }
            try db.execute(sql: "INSERT INTO dataset (id, version, digest, log_start) VALUES (1, 1, ?, 1)",
                           arguments: [Data(try DatasetDigest.compute(db))])
        }
    }

    func insert(_ figure: Figure, version: UInt64, _ db: Database) throws {
        try db.execute(sql: "INSERT OR REPLACE INTO figure (id, revision, body) VALUES (?, ?, ?)",
                       arguments: [figure.id, Int64(figure.revision), Data(figure.wireBytes())])
    }

    // MARK: - Reading

    /// The dataset's version and digest.
    public func state() async throws -> DatasetState {
        try await writer.read { db in try Self.state(db) }
    }

    static func state(_ db: Database) throws -> DatasetState {
        guard let row = try Row.fetchOne(db, sql: "SELECT version, digest FROM dataset WHERE id = 1") else {
            throw StoreError.notInitialised
        }
        let digest: Data = row["digest"]
        return DatasetState(version: UInt64(row["version"] as Int64), digest: [UInt8](digest))
    }

    /// Every figure, in digest order (by id), with the state they belong to.
    public func snapshot() async throws -> (state: DatasetState, figures: [Figure]) {
        try await writer.read { db in
            let state = try Self.state(db)
            var figures: [Figure] = []
            let rows = try Row.fetchCursor(db, sql: "SELECT id, body FROM figure ORDER BY id")
            while let row = try rows.next() {
                figures.append(try Self.decode(row))
            }
            return (state, figures)
        }
    }

    public func figure(id: String) async throws -> Figure? {
        try await writer.read { db in
            try Row.fetchOne(db, sql: "SELECT id, body FROM figure WHERE id = ?", arguments: [id]).map(Self.decode)
        }
    }

    static func decode(_ row: Row) throws -> Figure {
        let body: Data = row["body"]
        do {
            return try Figure(wireBytes: [UInt8](body))
        } catch {
            throw StoreError.corruptFigure(id: row["id"], reason: error.description)
        }
    }

    /// Recomputes the digest from the stored figures and compares it with the stored one.
    public func verify() async throws {
        try await writer.read { db in
            let stored = try Self.state(db)
            let actual = try DatasetDigest.compute(db)
            guard actual == stored.digest else { throw StoreError.digestMismatch(version: stored.version) }
        }
    }
}

/// The version and digest of the dataset at one moment.
public struct DatasetState: Sendable, Hashable {
    public var version: UInt64
    /// SHA-256 over the canonical encoding (Proto/PROTOCOL.md, "Dataset version and digest").
    public var digest: [UInt8]

    public init(version: UInt64, digest: [UInt8]) {
        self.version = version
        self.digest = digest
    }

    /// Lower-case hex of the digest.
    public var digestHex: String { digest.map { String(format: "%02x", $0) }.joined() }
}

public enum StoreError: Error, Sendable, Equatable {
    case notInitialised
    /// A stored figure no longer decodes: the file was damaged outside Tally.
    case corruptFigure(id: String, reason: String)
    /// The stored digest does not match the stored figures (`data_loss`).
    case digestMismatch(version: UInt64)
}
