import Foundation
import GRDB
import TallyCodec

/// The stored figures' digest, in the order and form `DatasetDigester` defines (SQLite's BINARY
/// collation orders ids by their UTF-8 bytes).
enum DatasetDigest {
    static func compute(_ db: Database) throws -> [UInt8] {
        var digester = DatasetDigester()
        let rows = try Row.fetchCursor(db, sql: "SELECT body FROM figure ORDER BY id")
        while let row = try rows.next() {
            let body: Data = row[0]
            body.withUnsafeBytes { digester.add(encodedFigure: $0) }
        }
        return digester.finalize()
    }
}
