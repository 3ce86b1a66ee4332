/// What a careful reader would question in the dataset: statements of the same number that
/// contradict each other, and per-article parts that don't add up to their whole.
///
/// Figures are grouped once by hashing (`ConsistencyGroup.groups(of:)`), and each group is checked
/// on its own in time linear in its size (plus sorting what it reports), so the whole check is
/// O(n log n) in time and O(n) in memory, and yields at most one finding per group. Callers that
/// keep a dataset across publishes use `ConsistencyIndex`, which rechecks only the groups a publish
/// touched; `finding(for:among:)` is the one-group step both use.
public enum ConsistencyCheck {
    public static func findings(in figures: [Figure]) -> [ConsistencyFinding] {
        var members: [ConsistencyGroup: [Figure]] = [:]
        for figure in figures {
            for group in ConsistencyGroup.groups(of: figure) { members[group, default: []].append(figure) }
        }
        return ordered(members.compactMap { group, figures in check(group, figures) })
    }

    /// The finding of one group, or `nil` when its figures agree. Figures of other groups among
    /// `figures` are ignored, so a caller may pass a superset.
    public static func finding(for group: ConsistencyGroup, among figures: [Figure]) -> ConsistencyFinding? {
        check(group, figures.filter { ConsistencyGroup.groups(of: $0).contains(group) })
    }

    /// The order of a report: conflicting values first, then parts that don't add up; by summary
    /// within each, then by the figures' ids (so no two findings tie), so the same dataset always
    /// gives the same report.
    public static func ordered(_ findings: some Sequence<ConsistencyFinding>) -> [ConsistencyFinding] {
        findings.sorted { a, b in
            let first = (a.kind == .conflictingValues ? 0 : 1, a.summary), second = (b.kind == .conflictingValues ? 0 : 1, b.summary)
            return first != second ? first < second : a.figures.map(\.id).lexicographicallyPrecedes(b.figures.map(\.id))
        }
    }

    /// `members` are exactly the group's figures.
    static func check(_ group: ConsistencyGroup, _ members: [Figure]) -> ConsistencyFinding? {
        switch group {
        case .statement: ConflictingStatements.finding(group, members)
        case .breakdown: PartsAndWhole.finding(group, members)
        }
    }

    /// "RU cases_received_by_courts (art. 337) for 2022-09-01..2025-05-31".
    static func heading(_ figure: Figure, withArticles: Bool) -> String {
        let scope = withArticles && !figure.articles.isEmpty ? " (art. \(figure.articles.joined(separator: ", ")))" : ""
        return "\(figure.jurisdiction) \(figure.measure)\(scope) for \(figure.period)"
    }

    /// "'mz-2025-06-ru-received-total-ki' (Mediazona via Kyiv Independent)".
    static func attributed(_ figure: Figure) -> String {
        "'\(figure.id)' (\(figure.citations.map { "\($0.producer) via \($0.outlet)" }.joined(separator: "; ")))"
    }

    /// "'a'" or "'a', 'b'".
    static func quotedIDs(_ figures: [Figure]) -> String {
        figures.map { "'\($0.id)'" }.joined(separator: ", ")
    }
}
