/// The consistency report of a dataset kept current across publishes, so a publish costs a check of
/// the groups it touched, not of the whole dataset.
///
/// A figure is in one or two groups (`ConsistencyGroup.groups(of:)`), and a group's finding depends
/// only on its members; a publish that adds, changes or retracts figures therefore changes only the
/// findings of the groups of their old and new versions. The index keeps each group's members and
/// finding, and `apply` rechecks just those groups. Memory is O(n): every figure once, its id in at
/// most two groups.
///
/// A value type with no locking: the owner (the server's dataset cache, a client's offline copy)
/// applies publishes in version order, off the request path if it wants to, and hands out
/// `findings`.
public struct ConsistencyIndex: Sendable {
    private var figures: [String: Figure] = [:]
    private var members: [ConsistencyGroup: Set<String>] = [:]
    private var findingsByGroup: [ConsistencyGroup: ConsistencyFinding] = [:]

    /// The index of a dataset; figures are identified by id (a repeated id keeps the last).
    public init(figures: [Figure]) {
        apply(upserts: figures)
    }

    /// Applies one publish: upserts add figures or replace those with the same id, retractions
    /// remove ids (unknown ones are ignored). Returns the groups that were rechecked.
    @discardableResult
    public mutating func apply(upserts: [Figure], retractions: [String] = []) -> Set<ConsistencyGroup> {
        var touched: Set<ConsistencyGroup> = []
        for id in retractions {
            if let old = figures.removeValue(forKey: id) { touched.formUnion(detach(old)) }
        }
        for figure in upserts {
            if let old = figures[figure.id] { touched.formUnion(detach(old)) }
            figures[figure.id] = figure
            for group in ConsistencyGroup.groups(of: figure) {
                members[group, default: []].insert(figure.id)
                touched.insert(group)
            }
        }
        for group in touched { recheck(group) }
        return touched
    }

    /// Every finding, in report order (`ConsistencyCheck.ordered`). Sorting costs O(f log f) in the
    /// number of findings: callers that answer many requests keep the result.
    public var findings: [ConsistencyFinding] {
        ConsistencyCheck.ordered(findingsByGroup.values)
    }

    public func finding(for group: ConsistencyGroup) -> ConsistencyFinding? {
        findingsByGroup[group]
    }

    public var figureCount: Int { figures.count }

    private mutating func detach(_ figure: Figure) -> [ConsistencyGroup] {
        let groups = ConsistencyGroup.groups(of: figure)
        for group in groups {
            members[group]?.remove(figure.id)
            if members[group]?.isEmpty == true { members[group] = nil }
        }
        return groups
    }

    private mutating func recheck(_ group: ConsistencyGroup) {
        let ids = members[group] ?? []
        findingsByGroup[group] = ConsistencyCheck.check(group, ids.compactMap { figures[$0] })
    }
}
