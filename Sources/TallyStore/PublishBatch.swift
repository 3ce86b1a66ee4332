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

    /// What can be checked before the store is touched: every figure valid, and no id both
    /// published and retracted. Every store checks this first.
    public func validate() throws(PublishError) {
        guard !figures.isEmpty || !retractIDs.isEmpty else { throw .empty }
        var violations = figures.violations()
        let upserted = Set(figures.map(\.id))
        for (position, id) in retractIDs.enumerated() where upserted.contains(id) {
            violations.append(FigureViolation(figureID: id, field: "retract_ids[\(position)]", problem: "also published in the same batch"))
        }
        var seen = Set<String>()
        for (position, id) in retractIDs.enumerated() where !seen.insert(id).inserted {
            violations.append(FigureViolation(figureID: id, field: "retract_ids[\(position)]", problem: "retracted twice in the same batch"))
        }
        guard violations.isEmpty else { throw .invalid(violations) }
    }
}

public struct PublishResult: Sendable, Equatable {
    public var state: DatasetState
    public var upserted: Int
    public var retracted: Int
    /// What the publish changed, as the change log holds it (for watchers).
    public var changes: [StoredChange]
    /// The figures as they were before (replaced or retracted), for callers that keep derived
    /// state (the consistency report) and must take the old versions out.
    public var replaced: [Figure]

    public init(state: DatasetState, upserted: Int, retracted: Int, changes: [StoredChange], replaced: [Figure]) {
        self.state = state
        self.upserted = upserted
        self.retracted = retracted
        self.changes = changes
        self.replaced = replaced
    }
}

public enum PublishError: Error, Sendable, Equatable {
    /// The batch, or the retractions, failed validation; nothing was written. Violations name the
    /// figure (by position and id) and the field (`figures[3].period.end_day`, `retract_ids[0]`).
    case invalid([FigureViolation])
    /// `expectedVersion` is not the current version; nothing was written.
    case versionMismatch(expected: UInt64, current: UInt64)
    case empty
}
