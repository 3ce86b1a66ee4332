/// One published number and everything needed to use it honestly: what it counts, where, over
/// which period, how exact it is, and who said so.
///
/// A figure is not a row to be summed: two figures may overlap, one may be cumulative, one may be a
/// rate. The totals engine decides what may be combined; this type only records what was said.
public struct Figure: Hashable, Sendable {
    /// Stable identifier, unique in the dataset, e.g. `mz-2025-06-ru-337-received`.
    public var id: String
    /// Store revision, raised on every change of this figure; 0 before the figure is stored.
    public var revision: UInt64
    public var category: Category
    /// ISO 3166 alpha-2 code of the state whose courts or authorities are counted ("RU", "UA").
    public var jurisdiction: String
    /// What is counted, a key of the measure vocabulary, e.g. `cases_received_by_courts`.
    public var measure: String
    /// Articles of the criminal code the number covers; empty means all refusal-to-serve articles together.
    public var articles: [String]
    public var period: Period
    public var kind: FigureKind
    /// Only for `.rate`: the time unit the number is per.
    public var rateUnit: RateUnit
    public var value: Quantity
    /// Who produced and who reported the number; at least one.
    public var citations: [Citation]
    /// A maintainer's remark: how the period was read, why two numbers differ.
    public var note: String

    public init(
        id: String = "",
        revision: UInt64 = 0,
        category: Category = .unspecified,
        jurisdiction: String = "",
        measure: String = "",
        articles: [String] = [],
        period: Period = .unset,
        kind: FigureKind = .unspecified,
        rateUnit: RateUnit = .unspecified,
        value: Quantity = Quantity(),
        citations: [Citation] = [],
        note: String = ""
    ) {
        self.id = id
        self.revision = revision
        self.category = category
        self.jurisdiction = jurisdiction
        self.measure = measure
        self.articles = articles
        self.period = period
        self.kind = kind
        self.rateUnit = rateUnit
        self.value = value
        self.citations = citations
        self.note = note
    }
}

/// Court and prosecution statistics are the product; context numbers (recruitment, deaths,
/// penalties, estimates) are kept so a reader can find them, but never enter a prosecution total.
public enum Category: Hashable, Sendable {
    case unspecified
    case prosecution
    case context
    case unrecognized(Int32)
}

public enum FigureKind: Hashable, Sendable {
    case unspecified
    /// A number of things over the whole period.
    case count
    /// A number per time unit (`Figure.rateUnit`), e.g. "38 decisions for every working day".
    case rate
    /// An estimate of the future, e.g. "approximately 5,200 convictions a year" if a trend continues.
    case projection
    /// A proportion in percent, e.g. "20% to 40% refuse to return".
    case share
    /// An amount that does not accumulate over the period: a decreed force size, a sentence length,
    /// an average. Never summed.
    case level
    case unrecognized(Int32)
}

public enum RateUnit: Hashable, Sendable {
    case unspecified
    case perDay
    case perWorkingDay
    case perWeek
    case perMonth
    case perYear
    case unrecognized(Int32)
}

extension Figure: Identifiable {}
