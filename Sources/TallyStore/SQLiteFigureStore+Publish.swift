import Foundation
import GRDB
import TallyCodec
import TallyModel

extension SQLiteFigureStore {
    /// Validates the whole batch, then writes it in one transaction as the next version. The hash
    /// is updated from what changed alone (each replaced or retracted figure's old encoding out,
    /// each new one in), so a publish costs O(changes) however large the dataset. A full disk
    /// throws `StoreFailure` (`.diskFull`), with nothing written.
    public func publish(_ batch: PublishBatch) async throws -> PublishResult {
        try batch.validate()
        return try await storageWrite { db in try Self.publish(batch, db) }
    }

    static func publish(_ batch: PublishBatch, _ db: Database) throws -> PublishResult {
        let current = try state(db)
        if let expected = batch.expectedVersion, expected != current.version {
            throw PublishError.versionMismatch(expected: expected, current: current.version)
        }
        var hash = current.hash
        var replaced: [Figure] = []
        var missing: [FigureViolation] = []
        var retractedEncodings: [[UInt8]] = []
        for (position, id) in batch.retractIDs.enumerated() {
            guard let (old, encoding) = try stored(id: id, db) else {
                missing.append(FigureViolation(figureID: id, field: "retract_ids[\(position)]", problem: "no figure with this id"))
                continue
            }
            replaced.append(old)
            retractedEncodings.append(encoding)
        }
        guard missing.isEmpty else { throw PublishError.invalid(missing) }

        let version = current.version + 1
        var changes: [StoredChange] = []
        changes.reserveCapacity(batch.figures.count + batch.retractIDs.count)
        var added = 0
        for var figure in batch.figures {
            if let (old, encoding) = try stored(id: figure.id, db) {
                replaced.append(old)
                hash.remove(element: encoding)
            } else {
                added += 1
            }
            figure.revision = version
            hash.add(element: try insert(figure, db))
            try db.cachedStatement(sql: "INSERT INTO change (version, figure_id, retracted) VALUES (?, ?, 0)").execute(arguments: [Int64(version), figure.id])
            changes.append(StoredChange(version: version, kind: .upsert(figure)))
        }
        for (id, encoding) in zip(batch.retractIDs, retractedEncodings) {
            hash.remove(element: encoding)
            try delete(id: id, db)
            try db.cachedStatement(sql: "INSERT INTO change (version, figure_id, retracted) VALUES (?, ?, 1)").execute(arguments: [Int64(version), id])
            changes.append(StoredChange(version: version, kind: .retracted(id: id)))
        }
        try adjustFigureCount(by: added - batch.retractIDs.count, db)
        try db.execute(sql: "UPDATE dataset SET version = ?, digest = ?, hash = ? WHERE id = 1",
                       arguments: [Int64(version), Data(hash.checksum), Data(hash.stateBytes)])
        try db.execute(sql: "INSERT INTO publish (version, comment, upserted, retracted) VALUES (?, ?, ?, ?)",
                       arguments: [Int64(version), batch.comment, batch.figures.count, batch.retractIDs.count])
        return PublishResult(state: DatasetState(version: version, hash: hash), upserted: batch.figures.count,
                             retracted: batch.retractIDs.count, changes: changes, replaced: replaced)
    }
}
