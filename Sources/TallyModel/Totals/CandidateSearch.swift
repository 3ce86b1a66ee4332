/// The figures a reader should see next to an answer: when nothing fits, the nearest figures and
/// why each does not; when a total was found, the figures that look as if they should have been
/// added and why they were not.
struct CandidateSearch {
    let engine: TotalsEngine
    let query: TotalsQuery
    let window: Period?
    /// Ids of the figures the total used.
    let used: Set<String>
    static let limit = 8

    /// Figures about the same jurisdiction, ranked: same measure and articles first, then overlap.
    func nearest() -> [CandidateFigure] {
        let related = engine.figures.filter { $0.jurisdiction == query.jurisdiction && !used.contains($0.id) }
        let ranked = related.map { (figure: $0, rank: rank($0)) }.sorted { $0.rank < $1.rank }
        return ranked.prefix(Self.limit).map { CandidateFigure(figure: $0.figure, reason: reason(for: $0.figure)) }
    }

    /// Same-scope counts that overlap the window but were not used: each would double count.
    func nearMisses(for total: TotalLine) -> [CandidateFigure] {
        guard let window else { return [] }
        let scope = Set(query.articles)
        let usedFigures = total.figures
        return engine.figures
            .filter { $0.jurisdiction == query.jurisdiction && $0.measure == query.measure && $0.category == .prosecution
                && $0.kind == .count && Set($0.articles) == scope && $0.period.overlaps(window) && !used.contains($0.id) }
            .sorted { ($0.period.start, $0.id) < ($1.period.start, $1.id) }
            .prefix(Self.limit)
            .map { figure in
                if let twin = usedFigures.first(where: { $0.period == figure.period }) {
                    let why = FigurePreference.reason(chosen: twin, other: figure)
                    let agreement = figure.value.isCompatible(with: twin.value) ? "another statement of the same number" : "a conflicting statement of the same number"
                    return CandidateFigure(figure: figure, reason: "same period as '\(twin.id)': \(agreement) (\(figure.value)); \(why); adding both would double count")
                }
                if !window.contains(figure.period) {
                    return CandidateFigure(figure: figure, reason: "covers \(figure.period), beyond the window \(window)")
                }
                return CandidateFigure(figure: figure, reason: "covers \(figure.period), which overlaps the figures used; adding it would double count")
            }
    }

    private func rank(_ f: Figure) -> (Int, Double, String) {
        var tier = 0
        if f.measure != query.measure { tier += 4 }
        if Set(f.articles) != Set(query.articles) { tier += 2 }
        if f.kind != .count || f.category != .prosecution { tier += 1 }
        return (tier, -overlap(f.period), f.id)
    }

    /// Share of the union of the figure's period and the window that both cover (0 when disjoint).
    private func overlap(_ period: Period) -> Double {
        guard let window, period.overlaps(window) else { return 0 }
        let common = Period(start: max(period.start, window.start), end: min(period.end, window.end)).dayCount
        let union = Period(start: min(period.start, window.start), end: max(period.end, window.end)).dayCount
        return Double(common) / Double(union)
    }

    private func reason(for f: Figure) -> String {
        let vocabulary = Vocabulary.standard
        if f.category == .context { return "a context figure (\(vocabulary.measure(f.measure)?.description ?? f.measure)), not a prosecution statistic" }
        if f.measure != query.measure {
            let theirs = vocabulary.measure(f.measure)?.description ?? f.measure
            let ours = vocabulary.measure(query.measure)?.description ?? query.measure
            return "counts \(theirs), not \(ours)"
        }
        switch f.kind {
        case .rate: return "a rate (\(f.value) \(f.rateUnit.phrase)): rates are never summed into counts"
        case .projection: return "a projection (\(f.value)), not a count of what happened"
        case .share: return "a share (\(f.value) percent), not a count"
        case .level: return "a level (\(f.value)), which does not accumulate over time"
        default: break
        }
        if Set(f.articles) != Set(query.articles) {
            return f.articles.isEmpty ? "counts all articles together" : "counts article\(f.articles.count > 1 ? "s" : "") \(f.articles.joined(separator: ", ")) only"
        }
        guard let window else { return "covers \(f.period)" }
        if !f.period.overlaps(window) { return "covers \(f.period), outside the window \(window)" }
        if f.period.contains(window) { return "covers \(f.period), more than the window: a cumulative figure cannot be cut down to \(window)" }
        if window.contains(f.period) { return "covers only \(f.period) of the window; no figures cover the rest without overlap" }
        return "covers \(f.period), which only partly overlaps the window"
    }
}

extension RateUnit {
    /// "per month", for sentences.
    public var phrase: String {
        switch self {
        case .perDay: "per day"
        case .perWorkingDay: "per working day"
        case .perWeek: "per week"
        case .perMonth: "per month"
        case .perYear: "per year"
        case .unspecified, .unrecognized: "per unit"
        }
    }
}
