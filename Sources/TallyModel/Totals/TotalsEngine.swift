/// Answers "how many?" from figures, only in ways that do not double count.
///
/// - Counts over a window come from figures that cover it exactly or tile it without overlap
///   (`WindowTiler`); overlapping and cumulative figures are never added together.
/// - Nested counts sharing a start or an end are differenced, and the result is marked derived.
/// - Rates, projections, shares, levels and context figures never enter a total.
/// - Several articles are added only article by article, each covering the window.
/// - Every answer names its figures; when none fits, the nearest figures and why they don't.
public struct TotalsEngine: Sendable {
    public let figures: [Figure]
    /// Prosecution counts by jurisdiction and measure: the only figures a total can use.
    let counts: [ScopeKey: [Figure]]

    struct ScopeKey: Hashable {
        var jurisdiction: String
        var measure: String
    }

    public init(figures: [Figure]) {
        self.figures = figures
        self.counts = Dictionary(grouping: figures.filter { $0.category == .prosecution && $0.kind == .count }) {
            ScopeKey(jurisdiction: $0.jurisdiction, measure: $0.measure)
        }
    }

    public func totals(_ query: TotalsQuery) -> TotalsAnswer {
        if query.breakdown == .jurisdiction { return jurisdictionComparison(query) }
        let scope = Set(query.articles)
        let pool = counts[ScopeKey(jurisdiction: query.jurisdiction, measure: query.measure)] ?? []
        let sameScope = pool.filter { Set($0.articles) == scope }
        let window = query.window ?? widestPeriod(in: sameScope.isEmpty ? pool : sameScope)
        var answer = TotalsAnswer(query: query, window: window, total: nil, breakdown: [], candidates: [])
        guard let window else {
            answer.candidates = CandidateSearch(engine: self, query: query, window: nil, used: []).nearest()
            return answer
        }
        answer.total = line(label: "", window: window, articles: scope, pool: pool)
        switch query.breakdown {
        case .none: break
        case .article: answer.breakdown = articleRows(query: query, window: window, pool: pool, total: answer.total)
        case .source: answer.breakdown = sourceRows(window: window, articles: scope, pool: pool.filter { $0.period.overlaps(window) && scope.isSuperset(of: $0.articles) && (scope.isEmpty == $0.articles.isEmpty) })
        case .year: answer.breakdown = yearRows(window: window, articles: scope, pool: pool)
        case .jurisdiction: break
        }
        let used = Set(answer.total?.figures.map(\.id) ?? [])
        let search = CandidateSearch(engine: self, query: query, window: window, used: used)
        answer.candidates = answer.total == nil ? search.nearest() : search.nearMisses(for: answer.total!)
        return answer
    }

    /// The total for a set of articles: figures of exactly that scope if they cover the window,
    /// otherwise the sum of per-article totals when every article has one.
    func line(label: String, window: Period, articles: Set<String>, pool: [Figure]) -> TotalLine? {
        let tiler = WindowTiler(figures: pool.filter { Set($0.articles) == articles })
        if let terms = tiler.cover(window) ?? tiler.coverByComplement(window).map({ [$0] }) {
            return TotalLine(label: label, value: Quantity.sum(terms.map(\.value)), period: window, terms: terms,
                             arithmetic: Self.arithmetic(terms.map(\.arithmetic), result: Quantity.sum(terms.map(\.value))), isComputed: false)
        }
        guard articles.count > 1 else { return nil }
        var parts: [TotalLine] = []
        for article in articles.sorted() {
            guard let part = line(label: article, window: window, articles: [article], pool: pool) else { return nil }
            parts.append(part)
        }
        let value = Quantity.sum(parts.compactMap(\.value))
        return TotalLine(label: label, value: value, period: window, terms: parts.flatMap(\.terms),
                         arithmetic: Self.arithmetic(parts.map { "\($0.value!) (\($0.label))" }, result: value), isComputed: false)
    }

    private func articleRows(query: TotalsQuery, window: Period, pool: [Figure], total: TotalLine?) -> [TotalLine] {
        let articles = query.articles.isEmpty
            ? Set(pool.filter { $0.articles.count == 1 && $0.period.overlaps(window) }.map { $0.articles[0] }).sorted(by: Self.articleOrder)
            : query.articles
        var rows = articles.map { article in
            line(label: article, window: window, articles: [article], pool: pool)
                ?? unavailable(article, window, "no figures for article \(article) cover \(window) without overlap")
        }
        guard query.articles.isEmpty, let total, let whole = total.value, !rows.isEmpty else { return rows }
        let parts = rows.compactMap(\.value)
        if parts.count < rows.count {
            rows.append(unavailable("unattributed", window, "not every article has figures for the window, so the remainder is unknown"))
        } else if let remainder = Quantity.difference(whole, minus: Quantity.sum(parts)) {
            let arithmetic = "\(whole) − (\(parts.map(\.description).joined(separator: " + "))) = \(remainder)"
            rows.append(TotalLine(label: "unattributed", value: remainder, period: window, terms: total.terms + rows.flatMap(\.terms),
                                  arithmetic: arithmetic, isComputed: true))
        } else {
            rows.append(unavailable("unattributed", window, "the articles' figures (\(Quantity.sum(parts))) do not fit inside the total (\(whole)); see the consistency report"))
        }
        return rows
    }

    private func sourceRows(window: Period, articles: Set<String>, pool: [Figure]) -> [TotalLine] {
        let producers = Set(pool.flatMap { $0.citations.map(\.producer) }).sorted()
        return producers.map { producer in
            let own = pool.filter { $0.citations.contains { $0.producer == producer } }
            return line(label: producer, window: window, articles: articles, pool: own)
                ?? unavailable(producer, window, "\(producer)'s figures do not cover \(window)")
        }
    }

    private func yearRows(window: Period, articles: Set<String>, pool: [Figure]) -> [TotalLine] {
        (window.start.year...window.end.year).map { year in
            let yearPeriod = Period(start: Day(year: year, month: 1, day: 1)!, end: Day(year: year, month: 12, day: 31)!)
            let part = Period(start: max(window.start, yearPeriod.start), end: min(window.end, yearPeriod.end))
            return line(label: String(year), window: part, articles: articles, pool: pool)
                ?? unavailable(String(year), part, "no figures cover \(part) without overlap")
        }
    }

    func unavailable(_ label: String, _ period: Period, _ why: String) -> TotalLine {
        TotalLine(label: label, value: nil, period: period, terms: [], arithmetic: "not available: \(why)", isComputed: false)
    }

    /// The longest period any candidate figure covers; the latest of equals.
    private func widestPeriod(in figures: [Figure]) -> Period? {
        figures.map(\.period).max { ($0.dayCount, $0.end) < ($1.dayCount, $1.end) }
    }

    static func arithmetic(_ parts: [String], result: Quantity) -> String {
        parts.count == 1 && !parts[0].hasPrefix("(") ? parts[0] : "\(parts.joined(separator: " + ")) = \(result)"
    }

    /// "337" before "338" before "352.1": by number, not by string.
    static func articleOrder(_ a: String, _ b: String) -> Bool {
        (Double(a) ?? .infinity, a) < (Double(b) ?? .infinity, b)
    }
}
