import NIOCore
import PostgresNIO
import TallyModel
public import TallyStore

extension PostgresFigureStore {
    /// Changes since `version`, collapsed to the latest per figure, read in one snapshot
    /// (REPEATABLE READ): the state, the count and the rows all belong to the same version
    /// whatever other replicas publish meanwhile.
    public func changes(since version: UInt64, limit: Int) async throws -> ChangeFeed {
        try await withConnection("reading the change log") { connection in
            try await Self.transaction(on: connection, isolation: "REPEATABLE READ READ ONLY", logger: self.logger) { connection in
                try await Self.changes(since: version, limit: limit, on: connection, logger: self.logger)
            }
        }
    }

    private static func changes(since version: UInt64, limit: Int, on connection: PostgresConnection, logger: Logger) async throws -> ChangeFeed {
        let state = try await state(connection, logger: logger)
        var logStart: Int64 = 0
        for try await start in try await connection.query("SELECT log_start FROM dataset WHERE id = 1", logger: logger).decode(Int64.self) {
            logStart = start
        }
        guard version >= UInt64(logStart), version <= state.version else { return .snapshotRequired(state) }
        let since = Int64(version)
        var changed: Int64 = 0
        let counted = try await connection.query("SELECT count(DISTINCT figure_id) FROM change WHERE version > \(since)", logger: logger)
        for try await count in counted.decode(Int64.self) { changed = count }
        guard changed <= Int64(limit) else { return .snapshotRequired(state) }

        let rows = try await connection.query("""
            SELECT c.figure_id, c.version, c.retracted, f.body
            FROM (SELECT DISTINCT ON (figure_id) figure_id, version, retracted FROM change WHERE version > \(since)
                  ORDER BY figure_id, version DESC) AS c
            LEFT JOIN figure f ON f.id = c.figure_id AND f.valid_to IS NULL
            ORDER BY c.version, c.figure_id
            """, logger: logger)
        var changes: [StoredChange] = []
        for try await (id, changeVersion, retracted, body) in rows.decode((String, Int64, Bool, ByteBuffer?).self) {
            if retracted {
                changes.append(StoredChange(version: UInt64(changeVersion), kind: .retracted(id: id)))
            } else {
                guard let body else { throw StoreError.corruptFigure(id: id, reason: "changed at version \(changeVersion) but not stored") }
                changes.append(StoredChange(version: UInt64(changeVersion), kind: .upsert(try decode(id: id, body: body))))
            }
        }
        return .changes(since: version, state: state, changes)
    }

    /// Forgets changes older than the last `versions` versions, and the figure rows no kept
    /// version can see (closed at or before the cutoff); clients further behind are told to
    /// fetch the snapshot, and a reader still open at an older version fails rather than answer
    /// with figures missing. Takes the publish lock, so it never races a publish.
    public func pruneChangeLog(keepingVersions versions: UInt64) async throws {
        try await withConnection("pruning the change log") { connection in
            try await Self.transaction(on: connection, logger: self.logger) { connection in
                let current = try await Self.state(connection, logger: self.logger, forUpdate: true).version
                guard current > versions else { return }
                let cutoff = Int64(current - versions)
                try await connection.query("DELETE FROM change WHERE version <= \(cutoff)", logger: self.logger)
                try await connection.query("DELETE FROM figure WHERE valid_to IS NOT NULL AND valid_to <= \(cutoff)", logger: self.logger)
                try await connection.query("""
                    UPDATE dataset SET log_start = GREATEST(log_start, \(cutoff)), history_start = GREATEST(history_start, \(cutoff)) WHERE id = 1
                    """, logger: self.logger)
            }
        }
    }
}
