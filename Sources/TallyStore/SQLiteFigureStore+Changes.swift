import GRDB
import TallyModel

extension SQLiteFigureStore {
    /// Changes since `version`, collapsed to the latest per figure: a figure changed three times is
    /// sent once, as it is now.
    public func changes(since version: UInt64, limit: Int) async throws -> ChangeFeed {
        try await writer.read { db in
            let state = try Self.state(db)
            let logStart = UInt64(try Int64.fetchOne(db, sql: "SELECT log_start FROM dataset WHERE id = 1")!)
            guard version >= logStart, version <= state.version else { return .snapshotRequired(state) }
            let changed = try Int.fetchOne(db, sql: "SELECT COUNT(DISTINCT figure_id) FROM change WHERE version > ?",
                                           arguments: [Int64(version)]) ?? 0
            guard changed <= limit else { return .snapshotRequired(state) }
            let rows = try Row.fetchAll(db, sql: Self.latestChangesSQL, arguments: [Int64(version)])
            let changes = try rows.map { row -> StoredChange in
                let changeVersion = UInt64(row["version"] as Int64)
                if (row["retracted"] as Int64) == 1 {
                    return StoredChange(version: changeVersion, kind: .retracted(id: row["figure_id"]))
                }
                return StoredChange(version: changeVersion, kind: .upsert(try Self.decode(Row(["id": row["figure_id"], "body": row["body"]]))))
            }
            return .changes(since: version, state: state, changes)
        }
    }

    /// The latest change of each figure changed after version `?`, with its body. SQLite returns
    /// the other columns of the row holding MAX(version). `+c.figure_id`: grouping on the bare
    /// column let the planner walk all of `change_by_figure` (a million entries after a large
    /// publish: 0.44–0.67 s for every Changes call and every publish's catch-up) for its order,
    /// where the primary key's range `version > ?` reads only the changes asked for.
    static let latestChangesSQL = """
        SELECT c.figure_id, MAX(c.version) AS version, c.retracted, f.body
        FROM change c LEFT JOIN figure f ON f.id = c.figure_id
        WHERE c.version > ? GROUP BY +c.figure_id ORDER BY version, c.figure_id
        """

    /// Forgets changes older than the last `versions` versions; clients further behind are told to
    /// fetch the snapshot.
    public func pruneChangeLog(keepingVersions versions: UInt64) async throws {
        try await writer.write { db in
            let current = try Self.state(db).version
            guard current > versions else { return }
            let cutoff = current - versions
            try db.execute(sql: "DELETE FROM change WHERE version <= ?", arguments: [Int64(cutoff)])
            try db.execute(sql: "UPDATE dataset SET log_start = MAX(log_start, ?) WHERE id = 1", arguments: [Int64(cutoff)])
        }
    }
}
