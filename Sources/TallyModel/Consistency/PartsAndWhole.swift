/// Per-article parts that don't add up to their whole (a `.breakdown` group: counts of one
/// jurisdiction, measure and period, for all articles or for one).
///
/// The parts are the preferred statement per article (`FigurePreference`, as the totals engine
/// chooses), summed once; each distinct value of the wholes is compared with that sum once. Wholes
/// that fail are listed together in one finding, so a group with many statements of its whole costs
/// time and report space linear in its size, where comparing every whole with a scan of every count
/// did not. A whole that disagrees with another whole is the conflicting-values check's to report.
enum PartsAndWhole {
    private enum Mismatch {
        /// The parts fall short by this much: counted in the whole, not attributed to any article.
        case remainder(Quantity)
        /// The parts exceed the whole, by this much when both are bounded.
        case excess(Quantity?)

        var gap: Quantity? {
            switch self {
            case .remainder(let gap): gap
            case .excess(let gap): gap
            }
        }
    }

    static func finding(_ group: ConsistencyGroup, _ members: [Figure]) -> ConsistencyFinding? {
        let wholes = members.filter { $0.articles.isEmpty && $0.value.isBounded }
        guard !wholes.isEmpty else { return nil }
        var parts: [String: Figure] = [:]
        for part in members where part.articles.count == 1 {
            if parts[part.articles[0]].map({ FigurePreference.prefers(part, over: $0) }) ?? true { parts[part.articles[0]] = part }
        }
        guard parts.count >= 2 else { return nil }
        let ordered = parts.values.sorted { TotalsEngine.articleOrder($0.articles[0], $1.articles[0]) }
        let sum = Quantity.sum(ordered.map(\.value))

        var failing: [(stated: ConsistencyFinding.StatedValue, mismatch: Mismatch)] = []
        for (value, figures) in Dictionary(grouping: wholes, by: \.value) {
            if let mismatch = mismatch(whole: value, parts: sum) {
                failing.append((.init(value: value, figures: figures.sorted(by: FigurePreference.prefers)), mismatch))
            }
        }
        guard let preferred = failing.min(by: { FigurePreference.prefers($0.stated.figures[0], over: $1.stated.figures[0]) }) else { return nil }
        failing.sort { FigurePreference.prefers($0.stated.figures[0], over: $1.stated.figures[0]) }

        let listing = ordered.map { "\($0.articles[0]): \($0.value)" }.joined(separator: ", ")
        let opening = "\(ConsistencyCheck.heading(ordered[0], withArticles: false)): articles \(listing) add up to \(sum)"
        let summary: String
        if failing.count == 1 {
            let ids = ConsistencyCheck.quotedIDs(preferred.stated.figures)
            switch preferred.mismatch {
            case .remainder(let gap): summary = "\(opening) of \(ids) (\(preferred.stated.value)); \(gap) not attributed to these articles"
            case .excess: summary = "\(opening), more than the whole \(ids) (\(preferred.stated.value))"
            }
        } else {
            let clauses = failing.map { whole in
                let said = "\(ConsistencyCheck.quotedIDs(whole.stated.figures)) (\(whole.stated.value))"
                switch whole.mismatch {
                case .remainder(let gap): return "\(said) leaves \(gap) not attributed to these articles"
                case .excess: return "\(said) is less than the parts"
                }
            }
            summary = "\(opening), which matches no statement of the whole: \(clauses.joined(separator: "; "))"
        }
        return ConsistencyFinding(
            kind: .partsDoNotAddUp, group: group, summary: summary,
            figures: failing.flatMap(\.stated.figures) + ordered, statedValues: failing.map(\.stated),
            difference: preferred.mismatch.gap)
    }

    private static func mismatch(whole: Quantity, parts sum: Quantity) -> Mismatch? {
        if let remainder = Quantity.difference(whole, minus: sum) {
            return remainder.upperBound == 0 ? nil : .remainder(remainder)
        }
        return sum.isCompatible(with: whole) ? nil : .excess(Quantity.difference(sum, minus: whole))
    }
}
