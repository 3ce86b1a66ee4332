import GRDB
import GRDBSQLite
import TallyModel

/// The inserts of a full copy (a million figures and their citations, into tables emptied first),
/// bound with SQLite's own calls on GRDB's prepared statements (`RawSQLite`). Through `StatementArguments` each
/// row built an array of existential values and copied them twice: a quarter of the copy's CPU
/// time, measured with perf on a 1M-figure sync. The same statements as `SQLiteFigureStore.insert`;
/// a figure sent twice replaces itself, and the copy's hash (which counted it twice) then fails.
struct BulkFigureInsert {
    private let db: Database
    private let figure: Statement
    private let citation: Statement

    init(_ db: Database) throws {
        self.db = db
        figure = try db.cachedStatement(sql: SQLiteFigureStore.insertFigureSQL)
        citation = try db.cachedStatement(sql: SQLiteFigureStore.insertCitationSQL)
    }

    func insert(_ value: Figure, encoding: [UInt8]) throws {
        let columns = FigureColumns(value)
        let row = figure.sqliteStatement
        sqlite3_reset(row)
        RawSQLite.bind(value.id, 1, row)
        sqlite3_bind_int64(row, 2, Int64(value.revision))
        encoding.withUnsafeBytes { _ = sqlite3_bind_blob(row, 3, $0.baseAddress, Int32($0.count), RawSQLite.transient) }
        RawSQLite.bind(columns.jurisdiction, 4, row)
        RawSQLite.bind(columns.measure, 5, row)
        sqlite3_bind_int64(row, 6, Int64(columns.category))
        sqlite3_bind_int64(row, 7, Int64(columns.kind))
        sqlite3_bind_int64(row, 8, Int64(columns.rateUnit))
        RawSQLite.bind(columns.articles, 9, row)
        sqlite3_bind_int64(row, 10, Int64(columns.articleCount))
        sqlite3_bind_int64(row, 11, Int64(columns.startDay))
        sqlite3_bind_int64(row, 12, Int64(columns.endDay))
        try step(row)
        let cited = citation.sqliteStatement
        for (position, source) in value.citations.enumerated() {
            sqlite3_reset(cited)
            RawSQLite.bind(value.id, 1, cited)
            sqlite3_bind_int64(cited, 2, Int64(position))
            RawSQLite.bind(source.producer, 3, cited)
            RawSQLite.bind(source.outlet, 4, cited)
            if let day = source.published?.daysSinceEpoch { sqlite3_bind_int64(cited, 5, Int64(day)) } else { sqlite3_bind_null(cited, 5) }
            try step(cited)
        }
    }

    private func step(_ statement: OpaquePointer) throws {
        let code = sqlite3_step(statement)
        guard code == SQLITE_DONE else {
            throw RawSQLite.failure(code, db)
        }
    }
}
