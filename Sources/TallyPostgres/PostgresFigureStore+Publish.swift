import NIOCore
import PostgresNIO
import TallyCodec
import TallyModel
public import TallyStore

extension PostgresFigureStore {
    /// Validates the whole batch, then writes it as the next version in one transaction. The
    /// transaction starts by locking the dataset row (`FOR UPDATE`), so publishes from every
    /// replica take turns: each sees the version and hash the previous one committed, versions
    /// rise by exactly one, and no update is lost. The hash moves by what changed alone. The
    /// commit is announced on `tally_commits` (delivered to listeners when it commits, not before).
    /// A connection lost at the very commit is `StoreError.unavailable` though the version may
    /// have been made: the caller learns which from the next state (or the commit signal).
    public func publish(_ batch: PublishBatch) async throws -> PublishResult {
        try batch.validate()
        return try await withConnection("publishing") { connection in
            try await Self.transaction(on: connection, logger: self.logger) { connection in
                try await Self.publish(batch, on: connection, logger: self.logger)
            }
        }
    }

    static func publish(_ batch: PublishBatch, on connection: PostgresConnection, logger: Logger) async throws -> PublishResult {
        let current = try await state(connection, logger: logger, forUpdate: true)
        if let expected = batch.expectedVersion, expected != current.version {
            throw PublishError.versionMismatch(expected: expected, current: current.version)
        }
        let touched = batch.retractIDs + batch.figures.map(\.id)
        let stored = try await currentBodies(of: touched, on: connection, logger: logger)

        var hash = current.hash
        var replaced: [Figure] = []
        var missing: [FigureViolation] = []
        for (position, id) in batch.retractIDs.enumerated() {
            guard let body = stored[id] else {
                missing.append(FigureViolation(figureID: id, field: "retract_ids[\(position)]", problem: "no figure with this id"))
                continue
            }
            replaced.append(try decode(id: id, body: body))
        }
        guard missing.isEmpty else { throw PublishError.invalid(missing) }

        let version = current.version + 1
        var rows = FigureRows()
        var changes: [StoredChange] = []
        changes.reserveCapacity(touched.count)
        for var figure in batch.figures {
            if let body = stored[figure.id] {
                replaced.append(try decode(id: figure.id, body: body))
                body.withUnsafeReadableBytes { hash.remove(element: $0) }
            }
            figure.revision = version
            let encoding = figure.wireBytes()
            hash.add(element: encoding)
            rows.append(figure, encoding: encoding)
            changes.append(StoredChange(version: version, kind: .upsert(figure)))
        }
        for id in batch.retractIDs {
            stored[id]!.withUnsafeReadableBytes { hash.remove(element: $0) }
            changes.append(StoredChange(version: version, kind: .retracted(id: id)))
        }

        let at = Int64(version)
        let closing = Array(stored.keys)
        if !closing.isEmpty {
            try await connection.query("UPDATE figure SET valid_to = \(at) WHERE valid_to IS NULL AND id = ANY(\(closing)::text[])", logger: logger)
        }
        try await rows.insert(validFrom: version, on: connection, logger: logger)
        let changedIDs = changes.map(\.figureID), retracted = changes.map(\.isRetraction)
        try await connection.query("""
            INSERT INTO change (version, figure_id, retracted) SELECT \(at), u.id, u.retracted
            FROM unnest(\(changedIDs)::text[], \(retracted)::boolean[]) AS u(id, retracted)
            """, logger: logger)
        let digest = ByteBuffer(bytes: hash.checksum), state = ByteBuffer(bytes: hash.stateBytes)
        try await connection.query("UPDATE dataset SET version = \(at), digest = \(digest), hash = \(state) WHERE id = 1", logger: logger)
        let upserted = batch.figures.count, retractedCount = batch.retractIDs.count
        let counts = (Int32(upserted), Int32(retractedCount))
        try await connection.query("""
            INSERT INTO publish (version, comment, upserted, retracted) VALUES (\(at), \(batch.comment), \(counts.0), \(counts.1))
            """, logger: logger)
        try await connection.query("SELECT pg_notify(\(PostgresSchema.commitChannel), \(String(version)))", logger: logger)
        return PublishResult(state: DatasetState(version: version, hash: hash), upserted: upserted,
                             retracted: retractedCount, changes: changes, replaced: replaced)
    }

    /// The current encodings of those of `ids` that exist, by id.
    private static func currentBodies(of ids: [String], on connection: PostgresConnection, logger: Logger) async throws -> [String: ByteBuffer] {
        var bodies: [String: ByteBuffer] = [:]
        let rows = try await connection.query("SELECT id, body FROM figure WHERE valid_to IS NULL AND id = ANY(\(ids)::text[])", logger: logger)
        for try await (id, body) in rows.decode((String, ByteBuffer).self) {
            bodies[id] = body
        }
        return bodies
    }
}
