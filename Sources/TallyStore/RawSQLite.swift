import GRDB
import GRDBSQLite

/// SQLite's own calls on GRDB's prepared statements, for the two paths that move a million rows
/// (`BulkFigureInsert` writing a full copy, `SQLiteDatasetReader.page` serving a snapshot), where
/// GRDB's `StatementArguments` and `Row` cost a quarter and a sixth of the CPU (perf).
enum RawSQLite {
    /// SQLite copies what is bound (the strings' storage is not ours to keep alive).
    static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    static func bind(_ text: String, _ index: Int32, _ statement: OpaquePointer) {
        var text = text
        text.withUTF8 { utf8 in
            _ = sqlite3_bind_text(statement, index, utf8.baseAddress.map { UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self) },
                                  Int32(utf8.count), transient)
        }
    }

    /// The error for a step that returned `code`, as GRDB would have thrown it.
    static func failure(_ code: Int32, _ db: Database) -> DatabaseError {
        DatabaseError(resultCode: ResultCode(rawValue: code), message: db.lastErrorMessage)
    }
}
