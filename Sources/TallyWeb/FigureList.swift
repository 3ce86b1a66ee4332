import TallyModel

/// Each figure the page mentions, at its own anchor (`#figure-<id>`): what it counts, over which
/// period, how exact it is, and every citation with the exact quote, who produced the number, who
/// reported it and when, and the document it was read from.
struct FigureList {
    let figures: [Figure]

    func render() -> String {
        guard !figures.isEmpty else { return "<p>No figure is used or near this question.</p>\n" }
        return figures.map(entry).joined()
    }

    private func entry(_ figure: Figure) -> String {
        var out = "<article class=\"figure\" id=\"\(HTMLText.anchor("figure", figure.id))\">\n"
        out += "<h3><code>\(h(figure.id))</code>: \(h(valueText(figure.value)))\(h(rateSuffix(figure)))</h3>\n<dl>"
        out += "<dt>What</dt><dd>\(h(measureName(figure.measure))) in \(h(jurisdictionName(figure.jurisdiction))), \(h(articlesPhrase(figure.articles)))</dd>"
        out += "<dt>Period</dt><dd>\(periodHTML(figure.period))</dd>"
        out += "<dt>Kind</dt><dd>\(h(kindText(figure)))</dd>"
        if !figure.note.isEmpty { out += "<dt>Note</dt><dd>\(h(figure.note))</dd>" }
        out += "</dl>\n"
        for citation in figure.citations {
            let cite = HTMLText.safeURL(citation.url).map { " cite=\"\(h($0))\"" } ?? ""
            out += "<blockquote\(cite)><p>\(h(citation.quote))</p></blockquote>\n"
            var source = "\(h(citation.producer))"
            if citation.outlet != citation.producer && !citation.outlet.isEmpty { source += ", reported by \(h(citation.outlet))" }
            if let published = citation.published { source += ", <time datetime=\"\(published.iso)\">\(h(dateText(published)))</time>" }
            if !citation.document.isEmpty { source += " · document: \(h(citation.document))" }
            if let url = HTMLText.safeURL(citation.url) { source += " · <a href=\"\(h(url))\" rel=\"noreferrer\">original</a>" }
            out += "<p class=\"source\">\(source)</p>\n"
        }
        return out + "</article>\n"
    }

    private func rateSuffix(_ figure: Figure) -> String {
        guard figure.kind == .rate else { return "" }
        return switch figure.rateUnit {
        case .perDay: " a day"
        case .perWorkingDay: " a working day"
        case .perWeek: " a week"
        case .perMonth: " a month"
        case .perYear: " a year"
        default: ""
        }
    }

    private func kindText(_ figure: Figure) -> String {
        switch figure.kind {
        case .count: "a count over the period"
        case .rate: "a rate (never added into counts)"
        case .projection: "a projection (never added into counts)"
        case .share: "a share, in percent"
        case .level: "a level that does not accumulate (never summed)"
        default: "unspecified"
        }
    }
}
