public import TallyCodec
public import TallyModel

/// The question the page answers, read from its URL: the parameters are named as `tally totals`'s
/// options (`jurisdiction`, `measure`, `article` repeated, `from`, `to`, `by`) and default as they
/// do, so a URL can be shared, bookmarked, and repeated on the command line.
///
/// An empty field is an absent one (an HTML form sends `from=` for an empty date). Parameters the
/// page does not know are ignored, and left out of `canonicalQuery`: links pass through sites
/// that append their own (`utm_source`), and those must not break a shared question.
public struct PageQuestion: Sendable, Hashable {
    public enum By: String, Sendable, CaseIterable {
        case article, source, year, jurisdiction
    }

    public var jurisdiction = "RU"
    public var measure = "cases_received_by_courts"
    public var articles: [String] = []
    public var window: Period?
    public var by: By?

    /// Most `article` parameters.
    public static let maxArticles = 16

    public init() {}

    public init(query: String?) throws(PageRequestError) {
        let pairs = try QueryString.parse(query)
        var violations: [PageRequestError.Violation] = []
        var seen = Set<String>()
        var from: String?, to: String?
        for (name, raw) in pairs {
            let value = raw.trimmingSpaces
            if name != "article" && ["jurisdiction", "measure", "from", "to", "by"].contains(name) {
                guard seen.insert(name).inserted else {
                    violations.append(.init(field: name, problem: "given more than once"))
                    continue
                }
            }
            guard !value.isEmpty else { continue }
            switch name {
            case "jurisdiction":
                if Vocabulary.standard.jurisdiction(value) == nil {
                    violations.append(.init(field: name, problem: "unknown jurisdiction '\(value)'; known: \(Self.jurisdictionCodes)"))
                } else {
                    jurisdiction = value
                }
            case "measure":
                if Vocabulary.standard.measure(value) == nil {
                    violations.append(.init(field: name, problem: "unknown measure '\(value)'"))
                } else {
                    measure = value
                }
            case "article":
                if !Self.knownArticles.contains(value) {
                    violations.append(.init(field: name, problem: "unknown article '\(value)'"))
                } else if articles.count >= Self.maxArticles {
                    violations.append(.init(field: name, problem: "more than \(Self.maxArticles) articles"))
                } else if !articles.contains(value) {
                    articles.append(value)
                }
            case "from": from = value
            case "to": to = value
            case "by":
                if value == "none" { continue }
                if let by = By(rawValue: value) {
                    self.by = by
                } else {
                    violations.append(.init(field: name, problem: "'\(value)' is not a breakdown; one of \(By.allCases.map(\.rawValue).joined(separator: ", ")), or none"))
                }
            default:
                continue
            }
        }
        let start = from.map { (text: $0, day: Day(iso: $0)) }, end = to.map { (text: $0, day: Day(iso: $0)) }
        if let start, start.day == nil { violations.append(.init(field: "from", problem: "'\(start.text)' is not a date (YYYY-MM-DD)")) }
        if let end, end.day == nil { violations.append(.init(field: "to", problem: "'\(end.text)' is not a date (YYYY-MM-DD)")) }
        if (start == nil) != (end == nil) {
            violations.append(.init(field: start == nil ? "from" : "to", problem: "give both from and to, or neither (the widest window the figures cover)"))
        }
        if let first = start?.day, let last = end?.day {
            if last < first { violations.append(.init(field: "to", problem: "\(last.iso) is before from (\(first.iso))")) } else { window = Period(start: first, end: last) }
        }
        guard violations.isEmpty else { throw PageRequestError(violations) }
    }

    /// The question as a query string in a fixed order without defaults' noise: the key of cached
    /// pages and ETags, and the query of links that keep the question.
    public var canonicalQuery: String {
        QueryString.encode(pairs)
    }

    /// The parameters that differ from an empty form, in the form's order.
    public var pairs: [(String, String)] {
        var pairs = [("jurisdiction", jurisdiction), ("measure", measure)]
        pairs += articles.map { ("article", $0) }
        if let window { pairs += [("from", window.start.iso), ("to", window.end.iso)] }
        if let by { pairs.append(("by", by.rawValue)) }
        return pairs
    }

    /// The Totals call this question is, exactly as `tally totals` would send it.
    public var totalsRequest: TotalsRequest {
        TotalsRequest(jurisdiction: jurisdiction, measure: measure, articles: articles, window: window, breakdown: breakdown)
    }

    /// The same question with Russia and Ukraine side by side (this jurisdiction first).
    public var comparisonRequest: TotalsRequest {
        TotalsRequest(jurisdiction: jurisdiction, measure: measure, articles: articles, window: window, breakdown: .jurisdiction)
    }

    public var seriesQuery: SeriesQuery {
        SeriesQuery(jurisdiction: jurisdiction, measure: measure, articles: articles, window: window)
    }

    /// The figures download of this question's jurisdiction, measure and articles.
    public var figuresQuery: String {
        QueryString.encode([("jurisdiction", jurisdiction), ("measure", measure)] + articles.map { ("article", $0) })
    }

    private var breakdown: Breakdown {
        switch by {
        case nil: .none
        case .article: .article
        case .source: .source
        case .year: .year
        case .jurisdiction: .jurisdiction
        }
    }

    static let knownArticles = Set(Vocabulary.standard.jurisdictions.flatMap { $0.articles.map(\.code) })
    static var jurisdictionCodes: String { Vocabulary.standard.jurisdictions.map(\.code).joined(separator: ", ") }
}

extension String {
    var trimmingSpaces: String {
        var text = Substring(self)
        while text.first == " " { text = text.dropFirst() }
        while text.last == " " { text = text.dropLast() }
        return String(text)
    }
}
