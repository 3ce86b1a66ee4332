import TallyCodec
import TallyModel

/// The answer as a table: the total first, then the breakdown's rows, each value with its period,
/// how it was reached (derived values show their arithmetic) and links to the figures it rests
/// on, which the page lists with their quotes. No answer: why not, and the nearest figures.
struct AnswerTable {
    let request: TotalsRequest
    let response: TotalsResponse

    func render() -> String {
        let lines = (response.total.map { [$0] } ?? []) + response.breakdown
        guard !lines.isEmpty else { return notAnswered() }
        // In a box that scrolls sideways on a narrow screen, rather than the page.
        var out = "<div class=\"scroll\"><table id=\"answer-table\">\n<caption>\(h(caption))</caption>\n"
        out += "<thead><tr><th scope=\"col\">Row</th><th scope=\"col\">Value</th><th scope=\"col\">Period</th><th scope=\"col\">How it was reached</th><th scope=\"col\">Figures</th></tr></thead>\n<tbody>\n"
        if let total = response.total {
            out += row(total, label: "Total", id: "total", isTotal: true)
        }
        for (index, line) in response.breakdown.enumerated() {
            out += row(line, label: rowLabel(line), id: "row-\(index + 1)", isTotal: false)
        }
        out += "</tbody>\n</table></div>\n"
        if request.breakdown == .jurisdiction {
            out += "<p class=\"muted\">Each country's number comes from its own figures and sources; they are compared here, never added.</p>\n"
        }
        if !response.candidates.isEmpty { out += candidates(heading: "Figures not added (they would double count)") }
        return out
    }

    private var caption: String {
        let place = request.breakdown == .jurisdiction ? "Russia and Ukraine" : jurisdictionName(request.jurisdiction)
        let by = switch request.breakdown {
        case .article: ", by article"
        case .source: ", by source"
        case .year: ", by year"
        case .jurisdiction: ", side by side"
        default: ""
        }
        return "\(measureName(request.measure)) in \(place), \(articlesPhrase(request.articles))\(by) (dataset version \(response.datasetVersion))"
    }

    private func rowLabel(_ line: Total) -> String {
        switch request.breakdown {
        case .article where line.label == "unattributed": "Not attributed to an article"
        case .article: "Article \(line.label)"
        case .jurisdiction: "\(jurisdictionName(line.label)) (\(line.label))"
        default: line.label
        }
    }

    private func row(_ line: Total, label: String, id: String, isTotal: Bool) -> String {
        let available = line.value.qualifier != .unspecified
        let how: String
        if !available {
            how = h(line.arithmetic)
        } else if line.derived {
            how = "<span class=\"derived\">derived:</span> \(h(line.arithmetic))"
        } else {
            how = "published"
        }
        let links = line.figureIndexes.compactMap { index -> String? in
            guard Int(index) < response.figures.count else { return nil }
            return figureLink(response.figures[Int(index)].id)
        }.joined(separator: " ")
        return "<tr\(isTotal ? " class=\"total\"" : "")><th scope=\"row\">\(h(label))</th><td class=\"value\" id=\"\(id)\">\(h(valueText(line.value)))</td>"
            + "<td class=\"period\">\(periodHTML(line.period, short: true))</td><td>\(how)</td><td class=\"figures\">\(links.isEmpty ? "—" : links)</td></tr>\n"
    }

    private func notAnswered() -> String {
        "<p id=\"total\" class=\"lead\"><strong>Not available:</strong> no figures answer this question without double counting.</p>\n"
            + candidates(heading: "The nearest figures, and why they do not answer it")
    }

    private func candidates(heading: String) -> String {
        guard !response.candidates.isEmpty else { return "" }
        var out = "<h3>\(h(heading))</h3>\n<ul>\n"
        for candidate in response.candidates where Int(candidate.figureIndex) < response.figures.count {
            let figure = response.figures[Int(candidate.figureIndex)]
            out += "<li>\(figureLink(figure.id)): \(h(valueText(figure.value))), \(periodHTML(figure.period)) — \(h(candidate.reason))</li>\n"
        }
        return out + "</ul>\n"
    }
}

/// A link to a figure's entry further down the page.
func figureLink(_ id: String) -> String {
    "<a href=\"#\(HTMLText.anchor("figure", id))\"><code>\(h(id))</code></a>"
}
