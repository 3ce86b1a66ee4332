/// "How did the count grow?": cumulative counts of one measure from a fixed first day (Mediazona's
/// "since September 2022", restated in each report), and the intake between consecutive ones.
public struct SeriesQuery: Sendable, Hashable {
    public var jurisdiction: String
    public var measure: String
    /// Empty: all articles together.
    public var articles: [String]
    /// `start` is the day counting begins; no point ends after `end`. `nil`: counting begins on the
    /// first day most of the scope's counts share, and the series runs to the last figure.
    public var window: Period?

    public init(jurisdiction: String, measure: String, articles: [String] = [], window: Period? = nil) {
        self.jurisdiction = jurisdiction
        self.measure = measure
        self.articles = articles
        self.window = window
    }
}

/// One step of a series: the count from the first day to `cumulative.period.end`, and what was
/// added since the previous step. Either may be derived; `intake.value` is `nil` when the two
/// counts cannot be differenced ("more than 20,000" minus a number says nothing).
public struct SeriesPoint: Sendable, Hashable {
    public var cumulative: TotalLine
    /// For the first point, the same count as `cumulative`: everything since the first day.
    public var intake: TotalLine
}

public struct CumulativeSeries: Sendable {
    public var query: SeriesQuery
    /// The day counting begins; `nil` when the scope has no counts at all.
    public var origin: Day?
    /// In order of their end day.
    public var points: [SeriesPoint]

    /// Every figure the points rest on, each once, in order of first use.
    public var figures: [Figure] {
        var seen = Set<String>()
        return points.flatMap { $0.cumulative.figures + $0.intake.figures }.filter { seen.insert($0.id).inserted }
    }
}

extension TotalsEngine {
    /// The cumulative counts the figures can honestly state, published or derived by the same rules
    /// as any total, at every day a figure of the scope ends on (or ends just before); the intake
    /// between two points is asked of the engine too, so a published count for it wins over a
    /// difference of the two points.
    public func series(_ query: SeriesQuery) -> CumulativeSeries {
        let scope = Set(query.articles)
        let pool = counts[ScopeKey(jurisdiction: query.jurisdiction, measure: query.measure)] ?? []
        let relevant = pool.filter { scope.isEmpty ? $0.articles.isEmpty : (!$0.articles.isEmpty && scope.isSuperset(of: $0.articles)) }
        var series = CumulativeSeries(query: query, origin: query.window?.start ?? Self.commonStart(of: relevant), points: [])
        guard let origin = series.origin else { return series }
        let ends = Set(relevant.flatMap { [$0.period.end, $0.period.start.adding(days: -1)] })
            .filter { $0 >= origin && $0 <= (query.window?.end ?? $0) }
            .sorted()
        var previous: TotalLine?
        for end in ends {
            guard let cumulative = line(label: end.iso, window: Period(start: origin, end: end), articles: scope, pool: pool) else { continue }
            let added = previous.map { intake(after: $0, upTo: cumulative, articles: scope, pool: pool) } ?? cumulative
            series.points.append(SeriesPoint(cumulative: cumulative, intake: added))
            previous = cumulative
        }
        return series
    }

    private func intake(after previous: TotalLine, upTo current: TotalLine, articles: Set<String>, pool: [Figure]) -> TotalLine {
        let period = Period(start: previous.period.end.adding(days: 1), end: current.period.end)
        if let asked = line(label: current.label, window: period, articles: articles, pool: pool) { return asked }
        guard let now = current.value, let before = previous.value, let added = Quantity.difference(now, minus: before) else {
            return unavailable(current.label, period, "\(current.value.map(\.description) ?? "?") minus \(previous.value.map(\.description) ?? "?") says nothing about the intake")
        }
        return TotalLine(label: current.label, value: added, period: period, terms: current.terms + previous.terms,
                         arithmetic: "\(now) − \(before) = \(added)", isComputed: true)
    }

    /// The first day shared by the most counts (the earliest of equals): where cumulative reports
    /// start counting.
    private static func commonStart(of figures: [Figure]) -> Day? {
        let starts = Dictionary(grouping: figures, by: \.period.start).mapValues(\.count)
        return starts.max { ($0.value, $1.key) < ($1.value, $0.key) }?.key
    }
}
