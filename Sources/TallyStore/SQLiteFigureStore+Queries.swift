import Foundation
import GRDB
import GRDBSQLite
import TallyCodec
import TallyModel

extension SQLiteFigureStore {
    /// A reader pinned to the current version: for a file, a GRDB snapshot (a read transaction of
    /// its own in the WAL, which sees nothing published after it was opened, and holds nothing up);
    /// for an in-memory store (tests), the store itself.
    public func reader() async throws -> any DatasetReader {
        if let pool = writer as? DatabasePool {
            let snapshot = try pool.makeSnapshot()
            return try await SQLiteDatasetReader(database: snapshot)
        }
        return try await SQLiteDatasetReader(database: writer)
    }
}

/// One version of a SQLite store, read through queries that select and group in SQL.
struct SQLiteDatasetReader: DatasetReader {
    let database: any DatabaseReader
    let state: DatasetState
    let figureCount: Int

    init(database: any DatabaseReader) async throws {
        self.database = database
        (state, figureCount) = try await database.read { db in
            (try SQLiteFigureStore.state(db), try SQLiteFigureStore.figureCount(db))
        }
    }

    /// Read with SQLite's own calls on a cached statement (`RawSQLite`): through `Row`, each figure looked its
    /// columns up by name (lowercasing the name every time) and copied its body byte by byte out
    /// of a `Data`; that was a sixth of tallyd's CPU time serving a 1M-figure snapshot (perf).
    func page(after: String?, limit: Int) async throws -> [StoredFigure] {
        try await database.read { db in
            let statement = try db.cachedStatement(sql: "SELECT id, body FROM figure WHERE id > ? ORDER BY id LIMIT ?")
            let raw = statement.sqliteStatement
            // Reset on every way out, a failed step too: a statement left mid-run keeps its read open.
            defer { sqlite3_reset(raw) }
            // Every id is greater than the empty string (ids are never empty: FigureValidation).
            RawSQLite.bind(after ?? "", 1, raw)
            sqlite3_bind_int64(raw, 2, Int64(limit))
            var page: [StoredFigure] = []
            page.reserveCapacity(min(limit, 4_096))
            while true {
                let code = sqlite3_step(raw)
                if code == SQLITE_DONE { break }
                guard code == SQLITE_ROW else { throw RawSQLite.failure(code, db) }
                let id = String(decoding: UnsafeRawBufferPointer(start: sqlite3_column_text(raw, 0), count: Int(sqlite3_column_bytes(raw, 0))),
                                as: UTF8.self)
                let body = [UInt8](UnsafeRawBufferPointer(start: sqlite3_column_blob(raw, 1), count: Int(sqlite3_column_bytes(raw, 1))))
                page.append(StoredFigure(id: id, encoding: body))
            }
            return page
        }
    }

    func figures(_ query: FigureQuery) async throws -> [Figure] {
        try await database.read { db in
            var conditions: [String] = []
            var arguments: [any DatabaseValueConvertible] = []
            if let jurisdiction = query.jurisdiction { conditions.append("jurisdiction = ?"); arguments.append(jurisdiction) }
            if let measure = query.measure { conditions.append("measure = ?"); arguments.append(measure) }
            if let articles = query.articles { conditions.append("articles = ?"); arguments.append(FigureColumns.articles(articles)) }
            if let period = query.overlapping {
                conditions.append("start_day <= ? AND end_day >= ?")
                arguments += [period.end.daysSinceEpoch, period.start.daysSinceEpoch]
            }
            if let category = query.category { conditions.append("category = ?"); arguments.append(category.wireValue) }
            if let producer = query.producer {
                conditions.append("id IN (SELECT figure_id FROM citation WHERE producer = ?)")
                arguments.append(producer)
            }
            // Ids compare as UTF-8 bytes: SQLite's BINARY collation on TEXT.
            if let after = query.after { conditions.append("id > ?"); arguments.append(after) }
            let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
            arguments.append(query.limit)
            return try Row.fetchAll(db, sql: "SELECT id, body FROM figure \(filter) ORDER BY id LIMIT ?",
                                    arguments: StatementArguments(arguments)).map(SQLiteFigureStore.decode)
        }
    }

    func figures(ids: [String]) async throws -> [Figure] {
        try await database.read { db in
            var found: [Figure] = []
            // In slices, under SQLite's limit on bound parameters.
            for start in stride(from: 0, to: ids.count, by: 500) {
                let slice = Array(ids[start..<min(start + 500, ids.count)])
                let marks = slice.map { _ in "?" }.joined(separator: ",")
                found += try Row.fetchAll(db, sql: "SELECT id, body FROM figure WHERE id IN (\(marks))",
                                          arguments: StatementArguments(slice)).map(SQLiteFigureStore.decode)
            }
            return found.sorted { $0.id.utf8.lexicographicallyPrecedes($1.id.utf8) }
        }
    }

    func figures(jurisdictions: Set<String>, limit: Int) async throws -> [Figure] {
        try await database.read { db in
            let list = jurisdictions.sorted()
            let marks = list.map { _ in "?" }.joined(separator: ",")
            let count = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM figure WHERE jurisdiction IN (\(marks))",
                                         arguments: StatementArguments(list))!
            guard count <= limit else { throw StoreError.tooMany(count, limit: limit) }
            return try Row.fetchAll(db, sql: "SELECT id, body FROM figure WHERE jurisdiction IN (\(marks)) ORDER BY id",
                                    arguments: StatementArguments(list)).map(SQLiteFigureStore.decode)
        }
    }

    func producerSummaries() async throws -> [ProducerSummary] {
        try await database.read { db in
            var outlets: [String: [String]] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT DISTINCT producer, outlet FROM citation") {
                outlets[row[0], default: []].append(row[1])
            }
            return try Row.fetchAll(db, sql: """
                SELECT producer, COUNT(DISTINCT figure_id), MIN(published_day), MAX(published_day) FROM citation GROUP BY producer
                """).map { row in
                let producer: String = row[0]
                let first: Int32? = row[2], last: Int32? = row[3]
                return ProducerSummary(producer: producer, outlets: (outlets[producer] ?? []).sorted(), figureCount: row[1],
                                       firstPublished: first.map(Day.init(daysSinceEpoch:)), lastPublished: last.map(Day.init(daysSinceEpoch:)))
            }.sorted { $0.producer < $1.producer }
        }
    }

    func consistencyCandidates() async throws -> [ConsistencyGroup] {
        try await database.read { db in
            var groups: [GroupColumns] = try Row.fetchAll(db, sql: """
                SELECT jurisdiction, measure, articles, start_day, end_day, kind, rate_unit FROM figure
                GROUP BY jurisdiction, measure, articles, start_day, end_day, kind, rate_unit HAVING COUNT(*) > 1
                """).map { row in
                .statement(jurisdiction: row[0], measure: row[1], articles: row[2], startDay: row[3], endDay: row[4], kind: row[5], rateUnit: row[6])
            }
            groups += try Row.fetchAll(db, sql: """
                SELECT jurisdiction, measure, start_day, end_day FROM figure WHERE kind = ? AND article_count <= 1
                GROUP BY jurisdiction, measure, start_day, end_day
                HAVING SUM(article_count = 0) >= 1 AND SUM(article_count = 1) >= 2
                """, arguments: [FigureColumns.countKind]).map { row in
                .breakdown(jurisdiction: row[0], measure: row[1], startDay: row[2], endDay: row[3])
            }
            return groups.map(\.group)
        }
    }

    func figures(in groups: Set<ConsistencyGroup>) async throws -> [ConsistencyGroup: [Figure]] {
        try await database.read { db in try Self.members(of: groups.map(GroupColumns.init), db) }
    }

    /// Statements prepared once per connection (`cachedStatement`): tallyd works out the findings
    /// of every group when it starts, 86k groups on the benchmark's 1M figures, and preparing each
    /// query anew made that start 17.1–20.6 s instead of 14.2–14.8 s (measured A/B, 3 runs each).
    private static func members(of groups: [GroupColumns], _ db: Database) throws -> [ConsistencyGroup: [Figure]] {
        var members: [ConsistencyGroup: [Figure]] = [:]
        for columns in groups {
            let rows: [Row]
            switch columns {
            case .statement(let jurisdiction, let measure, let articles, let startDay, let endDay, let kind, let rateUnit):
                let statement = try db.cachedStatement(sql: """
                    SELECT id, body FROM figure WHERE jurisdiction = ? AND measure = ? AND articles = ? AND start_day = ? AND end_day = ?
                    AND kind = ? AND rate_unit = ? ORDER BY id
                    """)
                rows = try Row.fetchAll(statement, arguments: [jurisdiction, measure, articles, startDay, endDay, kind, rateUnit])
            case .breakdown(let jurisdiction, let measure, let startDay, let endDay):
                let statement = try db.cachedStatement(sql: """
                    SELECT id, body FROM figure WHERE jurisdiction = ? AND measure = ? AND start_day = ? AND end_day = ?
                    AND kind = ? AND article_count <= 1 ORDER BY id
                    """)
                rows = try Row.fetchAll(statement, arguments: [jurisdiction, measure, startDay, endDay, FigureColumns.countKind])
            }
            members[columns.group] = try rows.map(SQLiteFigureStore.decode)
        }
        return members
    }
}
