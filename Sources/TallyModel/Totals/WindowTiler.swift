/// Finds figures whose periods cover a window exactly, without overlap: the only way counts over
/// different periods may be added.
///
/// Each period is represented once, by its preferred figure (`FigurePreference`): two figures for
/// the same period are two statements of one number, never two numbers to add. Nested figures that
/// share a start or an end are differenced into derived terms ("20,662 since September 2022 minus
/// 4,350 since January 2025" is the intake from September 2022 to December 2024). Among all exact
/// covers the cheapest wins: fewest terms, published before derived, exact before qualified.
struct WindowTiler {
    let terms: [TotalTerm]

    /// - Parameter figures: counts of one scope (jurisdiction, measure, articles), any periods.
    init(figures: [Figure]) {
        var byPeriod: [Period: Figure] = [:]
        for figure in figures {
            if let current = byPeriod[figure.period], !FigurePreference.prefers(figure, over: current) { continue }
            byPeriod[figure.period] = figure
        }
        var terms = byPeriod.values.map { TotalTerm(period: $0.period, value: $0.value, figure: $0, subtracted: []) }
        terms += WindowTiler.derivedTerms(from: Array(byPeriod.values), published: byPeriod)
        self.terms = terms.sorted { ($0.period.start, $0.period.end, $0.figure.id) < ($1.period.start, $1.period.end, $1.figure.id) }
    }

    /// Differences of nested figures sharing a start or an end, for periods no figure states.
    private static func derivedTerms(from figures: [Figure], published: [Period: Figure]) -> [TotalTerm] {
        let bounded = figures.filter { $0.value.isBounded }
        var derived: [Period: TotalTerm] = [:]
        func consider(whole: Figure, part: Figure, remainder: Period) {
            guard published[remainder] == nil, let value = Quantity.difference(whole.value, minus: part.value) else { return }
            let term = TotalTerm(period: remainder, value: value, figure: whole, subtracted: [part])
            if let existing = derived[remainder], !FigurePreference.prefersDerived(term, over: existing) { return }
            derived[remainder] = term
        }
        for group in Dictionary(grouping: bounded, by: { $0.period.start }).values where group.count > 1 {
            for whole in group {
                for part in group where part.period.end < whole.period.end {
                    consider(whole: whole, part: part, remainder: Period(start: part.period.end.adding(days: 1), end: whole.period.end))
                }
            }
        }
        for group in Dictionary(grouping: bounded, by: { $0.period.end }).values where group.count > 1 {
            for whole in group {
                for part in group where part.period.start > whole.period.start {
                    consider(whole: whole, part: part, remainder: Period(start: whole.period.start, end: part.period.start.adding(days: -1)))
                }
            }
        }
        return Array(derived.values)
    }

    /// The cheapest exact cover of `window`, or `nil` when there is none.
    func cover(_ window: Period) -> [TotalTerm]? {
        let usable = terms.filter { window.contains($0.period) }
        let end = window.end.adding(days: 1)
        // Shortest path over days: a term is an edge from its start to the day after its end.
        var best: [Day: (cost: Double, via: Int?)] = [window.start: (0, nil)]
        let outgoing = Dictionary(grouping: usable.indices, by: { usable[$0].period.start })
        for day in outgoing.keys.sorted() {
            guard let reached = best[day] else { continue }
            for index in outgoing[day]! {
                let term = usable[index]
                let next = term.period.end.adding(days: 1)
                let cost = reached.cost + WindowTiler.cost(of: term)
                if let known = best[next], known.cost <= cost { continue }
                best[next] = (cost, index)
            }
        }
        guard best[end] != nil else { return nil }
        var path: [TotalTerm] = []
        var day = end
        while let index = best[day]?.via {
            path.append(usable[index])
            day = usable[index].period.start
        }
        return path.reversed()
    }

    /// The window as a published figure that covers more than it, minus published figures that
    /// exactly cover the rest: "June–December 2024" = (Sept 2022–May 2025) − (Sept 2022–May 2024)
    /// − (January–May 2025). Tried only when no direct cover exists.
    func coverByComplement(_ window: Period) -> TotalTerm? {
        let published = terms.filter { !$0.isDerived }
        let direct = WindowTiler(publishedOnly: published)
        var best: TotalTerm?
        for whole in published where whole.period.contains(window) && whole.period != window && whole.value.isBounded {
            var removed: [TotalTerm] = []
            if whole.period.start < window.start {
                guard let left = direct.cover(Period(start: whole.period.start, end: window.start.adding(days: -1))) else { continue }
                removed += left
            }
            if window.end < whole.period.end {
                guard let right = direct.cover(Period(start: window.end.adding(days: 1), end: whole.period.end)) else { continue }
                removed += right
            }
            guard removed.allSatisfy({ $0.value.isBounded }),
                  let value = Quantity.difference(whole.value, minus: Quantity.sum(removed.map(\.value))) else { continue }
            let term = TotalTerm(period: window, value: value, figure: whole.figure, subtracted: removed.map(\.figure))
            if best.map({ FigurePreference.prefersDerived(term, over: $0) }) ?? true { best = term }
        }
        return best
    }

    private init(publishedOnly terms: [TotalTerm]) {
        self.terms = terms
    }

    private static func cost(of term: TotalTerm) -> Double {
        1.0 + (term.isDerived ? 0.5 : 0) + (term.value.qualifier == .exact ? 0 : 0.25)
    }
}

/// Which of two statements of the same number to use.
enum FigurePreference {
    /// Exact before ranges before approximations before bounds; then the most recently published
    /// (undated last); then the one more outlets carried; then by id, so the choice is stable.
    static func prefers(_ a: Figure, over b: Figure) -> Bool {
        key(a) < key(b)
    }

    static func prefersDerived(_ a: TotalTerm, over b: TotalTerm) -> Bool {
        (precision(a.value), a.subtracted.count, a.figure.id) < (precision(b.value), b.subtracted.count, b.figure.id)
    }

    static func key(_ f: Figure) -> (Int, Int32, Int, String) {
        let newest = f.citations.compactMap(\.published).max()?.daysSinceEpoch ?? .min
        return (precision(f.value), -(newest == .min ? .min + 1 : newest), -f.citations.count, f.id)
    }

    static func precision(_ q: Quantity) -> Int {
        switch q.qualifier {
        case .exact: 0
        case .range: 1
        case .about, .nearly: 2
        default: 3
        }
    }

    /// Why `chosen` was used instead of `other` for the same period, in a reader's words.
    static func reason(chosen: Figure, other: Figure) -> String {
        if precision(chosen.value) < precision(other.value) { return "'\(chosen.id)' is more precise (\(chosen.value))" }
        let (a, b) = (chosen.citations.compactMap(\.published).max(), other.citations.compactMap(\.published).max())
        if a != b { return "'\(chosen.id)' was published later (\(a.map(\.iso) ?? "undated") vs \(b.map(\.iso) ?? "undated"))" }
        if chosen.citations.count != other.citations.count { return "'\(chosen.id)' is carried by more outlets" }
        return "'\(chosen.id)' comes first by id"
    }
}
