import Foundation
import GRDB
public import TallyModel

/// One all-or-nothing change to the dataset.
public struct PublishBatch: Sendable {
    public var figures: [Figure]
    public var retractIDs: [String]
    /// `nil`: publish over whatever the current version is.
    public var expectedVersion: UInt64?
    public var comment: String

    public init(figures: [Figure] = [], retractIDs: [String] = [], expectedVersion: UInt64? = nil, comment: String = "") {
        self.figures = figures
        self.retractIDs = retractIDs
        self.expectedVersion = expectedVersion
        self.comment = comment
    }
}

public struct PublishResult: Sendable, Equatable {
    public var state: DatasetState
    public var upserted: Int
    public var retracted: Int
    /// What the publish changed, as the change log holds it (for watchers).
    public var changes: [StoredChange]
}

public enum PublishError: Error, Sendable, Equatable {
    /// The batch, or the retractions, failed validation; nothing was written. Violations name the
    /// figure (by position and id) and the field (`figures[3].period.end_day`, `retract_ids[0]`).
    case invalid([FigureViolation])
    /// `expectedVersion` is not the current version; nothing was written.
    case versionMismatch(expected: UInt64, current: UInt64)
    case empty
}

extension FigureStore {
    /// Validates the whole batch, then writes it in one transaction as the next version. A full
    /// disk throws `StoreFailure` (`.diskFull`), with nothing written.
    public func publish(_ batch: PublishBatch) async throws -> PublishResult {
        guard !batch.figures.isEmpty || !batch.retractIDs.isEmpty else { throw PublishError.empty }
        var violations = batch.figures.violations()
        let upserted = Set(batch.figures.map(\.id))
        for (position, id) in batch.retractIDs.enumerated() where upserted.contains(id) {
            violations.append(FigureViolation(figureID: id, field: "retract_ids[\(position)]", problem: "also published in the same batch"))
        }
        guard violations.isEmpty else { throw PublishError.invalid(violations) }

        return try await storageWrite { db in
            let current = try Self.state(db)
            if let expected = batch.expectedVersion, expected != current.version {
                throw PublishError.versionMismatch(expected: expected, current: current.version)
            }
            let missing = try batch.retractIDs.enumerated().filter { _, id in
                try !Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM figure WHERE id = ?)", arguments: [id])!
            }
            guard missing.isEmpty else {
                throw PublishError.invalid(missing.map { FigureViolation(figureID: $1, field: "retract_ids[\($0)]", problem: "no figure with this id") })
            }
            let version = current.version + 1
            var changes: [StoredChange] = []
            changes.reserveCapacity(batch.figures.count + batch.retractIDs.count)
            for var figure in batch.figures {
                figure.revision = version
                changes.append(StoredChange(version: version, kind: .upsert(figure)))
                try insert(figure, version: version, db)
                try db.execute(sql: "INSERT INTO change (version, figure_id, retracted) VALUES (?, ?, 0)", arguments: [Int64(version), figure.id])
            }
            for id in batch.retractIDs {
                changes.append(StoredChange(version: version, kind: .retracted(id: id)))
                try db.execute(sql: "DELETE FROM figure WHERE id = ?", arguments: [id])
                try db.execute(sql: "INSERT INTO change (version, figure_id, retracted) VALUES (?, ?, 1)", arguments: [Int64(version), id])
            }
            let digest = try DatasetDigest.compute(db)
            try db.execute(sql: "UPDATE dataset SET version = ?, digest = ? WHERE id = 1", arguments: [Int64(version), Data(digest)])
            try db.execute(sql: "INSERT INTO publish (version, comment, upserted, retracted) VALUES (?, ?, ?, ?)",
                           arguments: [Int64(version), batch.comment, batch.figures.count, batch.retractIDs.count])
            return PublishResult(state: DatasetState(version: version, digest: digest), upserted: batch.figures.count,
                                 retracted: batch.retractIDs.count, changes: changes)
        }
    }
}
