import TallyCodec
public import TallyModel

/// The parts of a figure a store can search and group on, kept in columns beside its encoding:
/// queries select and group in the database (bounded memory, whatever the dataset's size) instead of
/// decoding every figure. Both stores fill them the same way, from here.
public struct FigureColumns: Sendable, Hashable {
    public var jurisdiction: String
    public var measure: String
    public var category: Int32
    public var kind: Int32
    public var rateUnit: Int32
    /// The set of articles, sorted and joined by commas: equal strings, equal sets.
    public var articles: String
    public var articleCount: Int
    public var startDay: Int32
    public var endDay: Int32

    public init(_ figure: Figure) {
        jurisdiction = figure.jurisdiction
        measure = figure.measure
        category = figure.category.wireValue
        kind = figure.kind.wireValue
        rateUnit = figure.rateUnit.wireValue
        articles = Self.articles(Set(figure.articles))
        articleCount = Set(figure.articles).count
        startDay = figure.period.start.daysSinceEpoch
        endDay = figure.period.end.daysSinceEpoch
    }

    public static func articles(_ set: Set<String>) -> String {
        set.sorted().joined(separator: ",")
    }

    static let countKind = FigureKind.count.wireValue
}

/// A consistency group as the columns that select its figures.
public enum GroupColumns: Sendable, Hashable {
    case statement(jurisdiction: String, measure: String, articles: String, startDay: Int32, endDay: Int32, kind: Int32, rateUnit: Int32)
    case breakdown(jurisdiction: String, measure: String, startDay: Int32, endDay: Int32)

    public init(_ group: ConsistencyGroup) {
        switch group {
        case .statement(let jurisdiction, let measure, let articles, let period, let kind, let rateUnit):
            self = .statement(jurisdiction: jurisdiction, measure: measure, articles: FigureColumns.articles(articles),
                              startDay: period.start.daysSinceEpoch, endDay: period.end.daysSinceEpoch,
                              kind: kind.wireValue, rateUnit: rateUnit.wireValue)
        case .breakdown(let jurisdiction, let measure, let period):
            self = .breakdown(jurisdiction: jurisdiction, measure: measure,
                              startDay: period.start.daysSinceEpoch, endDay: period.end.daysSinceEpoch)
        }
    }

    /// The group these columns select, read back.
    public var group: ConsistencyGroup {
        switch self {
        case .statement(let jurisdiction, let measure, let articles, let startDay, let endDay, let kind, let rateUnit):
            .statement(jurisdiction: jurisdiction, measure: measure, articles: Set(articles.split(separator: ",").map(String.init)),
                       period: Period(start: Day(daysSinceEpoch: startDay), end: Day(daysSinceEpoch: endDay)),
                       kind: FigureKind(wireValue: kind), rateUnit: RateUnit(wireValue: rateUnit))
        case .breakdown(let jurisdiction, let measure, let startDay, let endDay):
            .breakdown(jurisdiction: jurisdiction, measure: measure,
                       period: Period(start: Day(daysSinceEpoch: startDay), end: Day(daysSinceEpoch: endDay)))
        }
    }
}
