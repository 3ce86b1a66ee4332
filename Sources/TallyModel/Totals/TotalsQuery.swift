/// "How many `measure` in `jurisdiction` over `window`, for these articles?"
public struct TotalsQuery: Sendable, Hashable {
    public enum Breakdown: Sendable, Hashable {
        case none
        /// A row per article, and the remainder no article accounts for.
        case article
        /// The total as each producer's own figures give it.
        case source
        /// A row per calendar year of the window.
        case year
        /// A row per jurisdiction (the query's first, then the vocabulary's order), each that
        /// jurisdiction's own total for the same window, measure and articles, with its own figures.
        /// There is no overall total: different states' courts are compared, not added.
        case jurisdiction
    }

    public var jurisdiction: String
    public var measure: String
    /// Empty: all articles together.
    public var articles: [String]
    /// `nil`: the widest period the figures cover.
    public var window: Period?
    public var breakdown: Breakdown

    public init(jurisdiction: String, measure: String, articles: [String] = [], window: Period? = nil, breakdown: Breakdown = .none) {
        self.jurisdiction = jurisdiction
        self.measure = measure
        self.articles = articles
        self.window = window
        self.breakdown = breakdown
    }
}

/// One published figure used in a total, or a derived one: a figure covering more than the period,
/// minus figures that exactly cover the rest of it.
public struct TotalTerm: Sendable, Hashable {
    public var period: Period
    public var value: Quantity
    public var figure: Figure
    /// For a derived term, the figures taken away from `figure`; empty for a published one.
    public var subtracted: [Figure]

    public var isDerived: Bool { !subtracted.isEmpty }

    /// The figures this term rests on.
    public var figures: [Figure] { [figure] + subtracted }

    var arithmetic: String {
        guard isDerived else { return value.description }
        return "(\(figure.value) − \(subtracted.map(\.value.description).joined(separator: " − ")))"
    }
}

/// A number of an answer: the overall total, or a row of a breakdown. `value` is `nil` for a row
/// the figures cannot answer; `arithmetic` then says why.
public struct TotalLine: Sendable, Hashable {
    public var label: String
    public var value: Quantity?
    public var period: Period
    public var terms: [TotalTerm]
    public var arithmetic: String
    /// A row computed from other rows (the unattributed remainder) rather than from figures alone.
    public var isComputed: Bool

    public var isDerived: Bool { isComputed || terms.contains { $0.isDerived } }

    public var figures: [Figure] { terms.flatMap(\.figures) }
}

/// A figure that was looked at and not used, with the reason in words a reader can check.
public struct CandidateFigure: Sendable, Hashable {
    public var figure: Figure
    public var reason: String
}

public struct TotalsAnswer: Sendable {
    public var query: TotalsQuery
    /// The window answered: the query's, or the widest the figures cover (by jurisdiction: the
    /// widest every jurisdiction answers).
    public var window: Period?
    /// `nil` when no combination of figures answers the question, and always for a breakdown by
    /// jurisdiction, whose rows are not parts of one whole.
    public var total: TotalLine?
    public var breakdown: [TotalLine]
    /// When `total` is nil: the nearest figures and why they don't fit. Otherwise: figures that
    /// were not added although they seem to fit, and why (they would double count).
    public var candidates: [CandidateFigure]

    /// Every figure referenced by the total, the breakdown rows and the candidates, each once, in
    /// order of first reference.
    public var figures: [Figure] {
        var seen = Set<String>()
        var out: [Figure] = []
        let lines = (total.map { [$0] } ?? []) + breakdown
        for figure in lines.flatMap(\.figures) + candidates.map(\.figure) where seen.insert(figure.id).inserted {
            out.append(figure)
        }
        return out
    }
}
