import GRDB
import GRDBSQLite
import TallyModel

/// The inserts of a full copy (a million figures and their citations, into tables emptied first),
/// bound with SQLite's own calls on GRDB's prepared statements. Through `StatementArguments` each
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
        bind(value.id, 1, row)
        sqlite3_bind_int64(row, 2, Int64(value.revision))
        encoding.withUnsafeBytes { _ = sqlite3_bind_blob(row, 3, $0.baseAddress, Int32($0.count), Self.transient) }
        bind(columns.jurisdiction, 4, row)
        bind(columns.measure, 5, row)
        sqlite3_bind_int64(row, 6, Int64(columns.category))
        sqlite3_bind_int64(row, 7, Int64(columns.kind))
        sqlite3_bind_int64(row, 8, Int64(columns.rateUnit))
        bind(columns.articles, 9, row)
        sqlite3_bind_int64(row, 10, Int64(columns.articleCount))
        sqlite3_bind_int64(row, 11, Int64(columns.startDay))
        sqlite3_bind_int64(row, 12, Int64(columns.endDay))
        try step(row)
        let cited = citation.sqliteStatement
        for (position, source) in value.citations.enumerated() {
            sqlite3_reset(cited)
            bind(value.id, 1, cited)
            sqlite3_bind_int64(cited, 2, Int64(position))
            bind(source.producer, 3, cited)
            bind(source.outlet, 4, cited)
            if let day = source.published?.daysSinceEpoch { sqlite3_bind_int64(cited, 5, Int64(day)) } else { sqlite3_bind_null(cited, 5) }
            try step(cited)
        }
    }

    /// SQLite copies what is bound (the strings' storage is not ours to keep alive).
    static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    private func bind(_ text: String, _ index: Int32, _ statement: OpaquePointer) {
        var text = text
        text.withUTF8 { utf8 in
            _ = sqlite3_bind_text(statement, index, utf8.baseAddress.map { UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self) },
                                  Int32(utf8.count), Self.transient)
        }
    }

    private func step(_ statement: OpaquePointer) throws {
        let code = sqlite3_step(statement)
        guard code == SQLITE_DONE else {
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: db.lastErrorMessage)
        }
    }
}
