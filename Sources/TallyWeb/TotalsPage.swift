public import TallyCharts
public import TallyCodec
public import TallyModel

/// The page at `/`: the form, the answer to its question as a table (every number linked to the
/// figures it rests on), the charts of that answer, of Russia and Ukraine side by side and of the
/// series over time (inline SVG, each with its text alternative), the figures with their quotes
/// and sources, the consistency report, the dataset's version and digest, and the downloads.
///
/// Answers in, HTML out: no I/O, nothing computed but the layout. The answers come from the
/// server's engine through the same conversions as the RPCs (`WireConversions`), so the page says
/// what `tally totals` says.
public struct TotalsPage: Sendable {
    public var question: PageQuestion
    /// The answer to `question.totalsRequest`.
    public var answer: TotalsResponse
    /// The answer to `question.comparisonRequest`; nil when the question is already by jurisdiction.
    public var comparison: TotalsResponse?
    public var series: CumulativeSeries
    public var report: ConsistencyReport
    /// Figures by id, for those the report names (answers carry their own).
    public var reportFigures: [String: Figure]
    public var datasetVersion: UInt64
    public var digestHex: String

    /// Findings shown; past this the page says how many more there are.
    public static let maxFindings = 50

    public init(question: PageQuestion, answer: TotalsResponse, comparison: TotalsResponse?, series: CumulativeSeries,
                report: ConsistencyReport, reportFigures: [String: Figure], datasetVersion: UInt64, digestHex: String) {
        self.question = question
        self.answer = answer
        self.comparison = comparison
        self.series = series
        self.report = report
        self.reportFigures = reportFigures
        self.datasetVersion = datasetVersion
        self.digestHex = digestHex
    }

    public func render() -> String {
        var body = "<h1>\(h(heading))</h1>\n"
        body += "<p class=\"lead\">\(h(articlesPhrase(question.articles).capitalizedFirst)) · \(answeredWindow.map { periodHTML($0) } ?? "the widest window the figures cover") · dataset version \(datasetVersion)</p>\n"
        body += "<h2 id=\"ask\">Ask</h2>\n" + QuestionForm(question: question).render()
        body += "<h2 id=\"answer\">Answer</h2>\n" + AnswerTable(request: question.totalsRequest, response: answer).render()
        body += "<h2 id=\"charts\">Charts</h2>\n" + charts()
        body += "<h2 id=\"figures\">Figures behind these numbers</h2>\n" + FigureList(figures: figuresOnPage).render()
        body += "<h2 id=\"consistency\">Consistency report</h2>\n" + ConsistencySection(report: report, figures: reportFigures, limit: Self.maxFindings).render()
        body += "<h2 id=\"dataset\">Dataset and downloads</h2>\n" + datasetSection()
        return PageLayout.document(title: "\(heading) — Tally", body: body)
    }

    /// "Criminal cases received by courts in Russia" / "… in Russia and Ukraine".
    var heading: String {
        let place = question.by == .jurisdiction ? Vocabulary.standard.jurisdictions.map(\.name).joined(separator: " and ") : jurisdictionName(question.jurisdiction)
        return "\(measureName(question.measure)) in \(place)"
    }

    private var answeredWindow: Period? {
        ([answer.total?.period] + answer.breakdown.map(\.period)).compactMap { $0 }.first { $0 != .unset } ?? question.window
    }

    private func charts() -> String {
        var out = chart(TotalsChart(request: question.totalsRequest, response: answer, options: ChartOptions(idPrefix: "chart-answer")).render(), id: "chart-answer")
        if let comparison {
            out += chart(TotalsChart(request: question.comparisonRequest, response: comparison, options: ChartOptions(idPrefix: "chart-comparison")).render(), id: "chart-comparison")
        }
        out += chart(SeriesChart(series: series, datasetVersion: datasetVersion, options: ChartOptions(idPrefix: "chart-series")).render(), id: "chart-series")
        return out
    }

    /// The SVG inline (it names its own title and description for assistive technology), and the
    /// text alternative under it for everyone.
    private func chart(_ chart: Chart, id: String) -> String {
        """
        <figure id="\(id)">
        \(chart.svg)<figcaption><details><summary>\(h(chart.title)): the chart as text</summary><p>\(h(chart.textAlternative))</p></details></figcaption>
        </figure>

        """
    }

    /// Every figure the page mentions, each once: the answer's, the comparison's, the series',
    /// then those of the findings shown.
    var figuresOnPage: [Figure] {
        var seen = Set<String>()
        var out: [Figure] = []
        let findings = report.findings.prefix(Self.maxFindings).flatMap(\.figureIDs).compactMap { reportFigures[$0] }
        for figure in answer.figures + (comparison?.figures ?? []) + series.figures + findings where seen.insert(figure.id).inserted {
            out.append(figure)
        }
        return out
    }

    private func datasetSection() -> String {
        let query = question.figuresQuery
        return """
        <p>Dataset version <strong>\(datasetVersion)</strong>; digest (SHA-256 over the figures' canonical \
        encoding): <code>\(h(digestHex))</code></p>
        <ul>
        <li>Figures of this question (\(h(jurisdictionName(question.jurisdiction))), \(h(measureName(question.measure).lowercasedFirst)), \(h(articlesPhrase(question.articles)))): \
        <a href="/figures.csv?\(h(query))" download>CSV</a> · <a href="/figures.json?\(h(query))" download>JSON</a></li>
        <li>Every figure of the dataset: <a href="/figures.csv" download>CSV</a> · <a href="/figures.json" download>JSON</a></li>
        </ul>
        <p class="muted">The same files as <code>tally figures --format csv</code> and <code>--format json</code>; \
        the page and the downloads change only when the dataset does (version \(datasetVersion)).</p>

        """
    }
}

extension String {
    var capitalizedFirst: String { prefix(1).uppercased() + dropFirst() }
    var lowercasedFirst: String { prefix(1).lowercased() + dropFirst() }
}
