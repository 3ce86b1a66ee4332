/// What in the dataset does not agree with itself: the questions a careful reader would ask before
/// trusting a number.
public struct ConsistencyFinding: Sendable, Hashable {
    public enum Kind: Sendable, Hashable {
        /// Per-article figures that do not add up to the figure for all articles of the same period.
        case partsDoNotAddUp
        /// Two statements of the same number (same scope, period and kind) that cannot both be true.
        case conflictingValues
    }

    public var kind: Kind
    public var summary: String
    public var figures: [Figure]
    /// The gap: whole minus parts, or between the two conflicting values.
    public var difference: Quantity?
}

public enum ConsistencyCheck {
    public static func findings(in figures: [Figure]) -> [ConsistencyFinding] {
        conflicts(in: figures) + partsNotAddingUp(in: figures)
    }

    private struct StatementKey: Hashable {
        var jurisdiction: String
        var measure: String
        var articles: Set<String>
        var period: Period
        var kind: FigureKind
        var rateUnit: RateUnit
    }

    private static func conflicts(in figures: [Figure]) -> [ConsistencyFinding] {
        let groups = Dictionary(grouping: figures) {
            StatementKey(jurisdiction: $0.jurisdiction, measure: $0.measure, articles: Set($0.articles), period: $0.period, kind: $0.kind, rateUnit: $0.rateUnit)
        }
        var found: [ConsistencyFinding] = []
        for group in groups.values where group.count > 1 {
            let sorted = group.sorted { $0.id < $1.id }
            for (i, a) in sorted.enumerated() {
                for b in sorted[(i + 1)...] where !a.value.isCompatible(with: b.value) {
                    let gap = Quantity.difference(max(a.value, b.value), minus: min(a.value, b.value))
                    found.append(ConsistencyFinding(
                        kind: .conflictingValues,
                        summary: "\(a.jurisdiction) \(a.measure)\(scopeText(a.articles)) for \(a.period): '\(a.id)' says \(a.value) (\(sourceText(a))), '\(b.id)' says \(b.value) (\(sourceText(b)))",
                        figures: [a, b], difference: gap))
                }
            }
        }
        return found.sorted { $0.summary < $1.summary }
    }

    private static func partsNotAddingUp(in figures: [Figure]) -> [ConsistencyFinding] {
        let counts = figures.filter { $0.kind == .count }
        let wholes = counts.filter { $0.articles.isEmpty && $0.value.isBounded }
        var found: [ConsistencyFinding] = []
        for whole in wholes.sorted(by: { $0.id < $1.id }) {
            let candidates = counts.filter {
                $0.articles.count == 1 && $0.period == whole.period && $0.jurisdiction == whole.jurisdiction && $0.measure == whole.measure
            }
            // One statement per article: the preferred one.
            var parts: [String: Figure] = [:]
            for part in candidates where parts[part.articles[0]].map({ FigurePreference.prefers(part, over: $0) }) ?? true {
                parts[part.articles[0]] = part
            }
            guard parts.count >= 2 else { continue }
            let ordered = parts.values.sorted { TotalsEngine.articleOrder($0.articles[0], $1.articles[0]) }
            let sum = Quantity.sum(ordered.map(\.value))
            let listing = ordered.map { "\($0.articles[0]): \($0.value)" }.joined(separator: ", ")
            if let remainder = Quantity.difference(whole.value, minus: sum) {
                guard remainder.upperBound != 0 else { continue }
                found.append(ConsistencyFinding(
                    kind: .partsDoNotAddUp,
                    summary: "\(whole.jurisdiction) \(whole.measure) for \(whole.period): articles \(listing) add up to \(sum) of '\(whole.id)' (\(whole.value)); \(remainder) not attributed to these articles",
                    figures: [whole] + ordered, difference: remainder))
            } else if !sum.isCompatible(with: whole.value) {
                found.append(ConsistencyFinding(
                    kind: .partsDoNotAddUp,
                    summary: "\(whole.jurisdiction) \(whole.measure) for \(whole.period): articles \(listing) add up to \(sum), more than the whole '\(whole.id)' (\(whole.value))",
                    figures: [whole] + ordered, difference: Quantity.difference(sum, minus: whole.value)))
            }
        }
        return found
    }

    private static func scopeText(_ articles: [String]) -> String {
        articles.isEmpty ? "" : " (art. \(articles.joined(separator: ", ")))"
    }

    private static func sourceText(_ f: Figure) -> String {
        f.citations.map { "\($0.producer) via \($0.outlet)" }.joined(separator: "; ")
    }
}

extension Quantity: Comparable {
    /// Orders by lower bound, then upper bound; used to put the smaller of two values first.
    public static func < (lhs: Quantity, rhs: Quantity) -> Bool {
        (lhs.lowerBound, lhs.upperBound ?? .max) < (rhs.lowerBound, rhs.upperBound ?? .max)
    }
}
