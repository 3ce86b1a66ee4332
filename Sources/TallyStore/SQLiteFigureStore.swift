import Foundation
import GRDB
import TallyCodec
public import TallyModel

/// The dataset in SQLite (WAL) through GRDB: the embedded default for tallyd, and the laptop's
/// local copy (the same code: the client applies a delta in one transaction and checks the hash
/// before it commits).
///
/// Every write is one transaction: a publish is in the store whole or not at all, even if the
/// process is killed in the middle of it, and the stored hash always matches the stored figures.
/// Figures are kept as their canonical wire encoding (what the hash covers and a snapshot streams)
/// beside searchable columns (`FigureColumns`) and their citations.
public final class SQLiteFigureStore: FigureStore {
    let writer: any DatabaseWriter

    /// Opens (or creates) the store at `path`. A new store is filled with `seed` as version 1.
    public convenience init(path: String, seed: @autoclosure () throws -> [Figure]) throws {
        try self.init(path: path, durableCommits: true, seed: seed())
    }

    /// `durableCommits`: every commit is on the disk before it returns (`synchronous = FULL`: a
    /// publish acknowledged to a client survives a power cut). Without, the write-ahead log is
    /// flushed at checkpoints only (`NORMAL`): a power cut may lose the last commits, never the
    /// file's consistency. That is enough for a copy of someone else's dataset, which the next
    /// sync brings back, and it spares a delta of 100 figures its flush of every page it touched.
    convenience init(path: String, durableCommits: Bool, seed: @autoclosure () throws -> [Figure]) throws {
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { db in
            try db.execute(sql: durableCommits ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL")
        }
        try self.init(writer: try DatabasePool(path: path, configuration: configuration), seed: seed)
    }

    init(writer: any DatabaseWriter, seed: () throws -> [Figure]) throws {
        self.writer = writer
        try StoreMigrations.migrator.migrate(writer)
        try seedIfEmpty(seed)
    }

    /// An in-memory store, for tests and tools.
    public convenience init(inMemoryWith seed: [Figure]) throws {
        try self.init(writer: try DatabaseQueue(), seed: { seed })
    }

    /// An empty local copy at `path` (no dataset yet: a full sync fills it), or the one there: a
    /// laptop's copy, or a replica's mirror, of a dataset whose truth is elsewhere, so its commits
    /// are not flushed one by one (`durableCommits`).
    public static func localCopy(path: String) throws -> SQLiteFigureStore {
        try SQLiteFigureStore(path: path, durableCommits: false, seed: [])
    }

    private func seedIfEmpty(_ seed: () throws -> [Figure]) throws {
        let seeded = try writer.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM dataset")! > 0 }
        guard !seeded else { return }
        let figures = try seed()
        let violations = figures.violations()
        guard violations.isEmpty else { throw PublishError.invalid(violations) }
        try writer.write { db in
            var hash = DatasetHash()
            for var figure in figures {
                figure.revision = 1
                hash.add(element: try Self.insert(figure, db))
            }
            try db.execute(sql: "INSERT INTO dataset (id, version, digest, log_start, hash, figure_count) VALUES (1, ?, ?, 1, ?, ?)",
                           arguments: [figures.isEmpty ? 0 : 1, Data(hash.checksum), Data(hash.stateBytes), figures.count])
        }
    }

    /// Writes a figure (row, columns, citations), replacing one with its id; returns its encoding.
    @discardableResult
    static func insert(_ figure: Figure, _ db: Database) throws -> [UInt8] {
        let encoding = figure.wireBytes()
        try insert(figure, encoding: encoding, db)
        return encoding
    }

    ///
    /// Statements here are compiled once per connection (`cachedStatement`): a publish of 100,000
    /// figures runs 300,000 of them, and compiling each anew cost more than running it.
    static func insert(_ figure: Figure, encoding: [UInt8], _ db: Database) throws {
        let columns = FigureColumns(figure)
        try db.cachedStatement(sql: insertFigureSQL).execute(arguments: [figure.id, Int64(figure.revision), Data(encoding), columns.jurisdiction, columns.measure, columns.category,
                                     columns.kind, columns.rateUnit, columns.articles, columns.articleCount, columns.startDay, columns.endDay])
        try writeCitations(of: figure, db)
    }

    /// A figure's row: its encoding beside its columns (`FigureColumns`), replacing one with its id.
    static let insertFigureSQL = """
        INSERT OR REPLACE INTO figure (id, revision, body, jurisdiction, measure, category, kind, rate_unit, articles, article_count, start_day, end_day)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """
    static let insertCitationSQL = "INSERT OR REPLACE INTO citation (figure_id, position, producer, outlet, published_day) VALUES (?, ?, ?, ?, ?)"

    /// Fills the columns and citations of a figure already in the table (the v2 migration).
    static func writeColumns(of figure: Figure, _ db: Database) throws {
        let columns = FigureColumns(figure)
        try db.execute(sql: """
            UPDATE figure SET jurisdiction = ?, measure = ?, category = ?, kind = ?, rate_unit = ?, articles = ?, article_count = ?,
                              start_day = ?, end_day = ? WHERE id = ?
            """, arguments: [columns.jurisdiction, columns.measure, columns.category, columns.kind, columns.rateUnit, columns.articles,
                             columns.articleCount, columns.startDay, columns.endDay, figure.id])
        try writeCitations(of: figure, db)
    }

    private static func writeCitations(of figure: Figure, _ db: Database) throws {
        try db.cachedStatement(sql: "DELETE FROM citation WHERE figure_id = ?").execute(arguments: [figure.id])
        let insert = try db.cachedStatement(sql: insertCitationSQL)
        for (position, citation) in figure.citations.enumerated() {
            try insert.execute(arguments: [figure.id, position, citation.producer, citation.outlet, citation.published?.daysSinceEpoch])
        }
    }

    static func delete(id: String, _ db: Database) throws {
        try db.cachedStatement(sql: "DELETE FROM figure WHERE id = ?").execute(arguments: [id])
        try db.cachedStatement(sql: "DELETE FROM citation WHERE figure_id = ?").execute(arguments: [id])
    }

    // MARK: - Reading

    public func state() async throws -> DatasetState {
        try await writer.read { db in try Self.state(db) }
    }

    static func state(_ db: Database) throws -> DatasetState {
        guard let row = try Row.fetchOne(db, sql: "SELECT version, hash FROM dataset WHERE id = 1") else {
            throw StoreError.notInitialised
        }
        let bytes: Data = row["hash"]
        return DatasetState(version: UInt64(row["version"] as Int64), hash: try DatasetHash(stateBytes: bytes))
    }

    /// How many figures the stored version has (kept in the dataset row by every write).
    static func figureCount(_ db: Database) throws -> Int {
        try Int.fetchOne(db, sql: "SELECT figure_count FROM dataset WHERE id = 1") ?? 0
    }

    /// Moves the stored figure count by `delta` (figures added less figures taken out).
    static func adjustFigureCount(by delta: Int, _ db: Database) throws {
        guard delta != 0 else { return }
        try db.execute(sql: "UPDATE dataset SET figure_count = figure_count + ? WHERE id = 1", arguments: [delta])
    }

    /// The figure stored under `id`, and its encoding.
    static func stored(id: String, _ db: Database) throws -> (Figure, [UInt8])? {
        guard let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT id, body FROM figure WHERE id = ?"), arguments: [id]) else { return nil }
        let body: Data = row["body"]
        return (try decode(row), [UInt8](body))
    }

    public func figure(id: String) async throws -> Figure? {
        try await writer.read { db in try Self.stored(id: id, db)?.0 }
    }

    static func decode(_ row: Row) throws -> Figure {
        let body: Data = row["body"]
        do {
            return try Figure(wireBytes: [UInt8](body))
        } catch {
            throw StoreError.corruptFigure(id: row["id"], reason: error.description)
        }
    }

    /// Recomputes the hash from the stored figures and compares it with the stored one.
    public func verify() async throws {
        try await writer.read { db in
            let stored = try Self.state(db)
            var actual = DatasetHash()
            let rows = try Row.fetchCursor(db, sql: "SELECT id, body FROM figure")
            while let row = try rows.next() {
                let body: Data = row["body"]
                body.withUnsafeBytes { actual.add(element: $0) }
            }
            guard actual == stored.hash else { throw StoreError.digestMismatch(version: stored.version) }
        }
    }
}
