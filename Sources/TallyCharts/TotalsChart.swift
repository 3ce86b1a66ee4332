public import TallyCodec
import TallyModel

/// The answer of a Totals call as a horizontal bar chart: the total first (darker), then the
/// breakdown's rows; by jurisdiction, one bar per country and no total.
///
/// Input: the request asked and the response received (online, offline or from the server's own
/// engine through `WireConversions.response`: the same message in every case). Every value keeps
/// its qualifier in its label and its mark; derived rows are hatched, the unattributed remainder
/// has grey stripes, rows the figures cannot answer say "not available", and the legend explains
/// only what is drawn. The source line names the producers and outlets of the figures used.
public struct TotalsChart: Sendable {
    public let request: TotalsRequest
    public let response: TotalsResponse
    public let options: ChartOptions

    public init(request: TotalsRequest, response: TotalsResponse, options: ChartOptions = ChartOptions()) {
        self.request = request
        self.response = response
        self.options = options
    }

    public func render() -> Chart {
        let frame = self.frame
        let plot = BarPlot(bars: bars, width: Double(options.width), idPrefix: options.idPrefix)
        let emptyHeight = 40.0
        let description = textAlternative()
        let (document, height) = frame.document(plotHeight: bars.isEmpty ? emptyHeight : plot.height, description: description) { out in
            if bars.isEmpty {
                out.element("text", ["x": svg(Style.margin), "y": svg(frame.plotTop + 20), "font-size": svg(Style.labelSize),
                                     "font-style": "italic", "fill": Style.secondary],
                            text: "No figures answer this question without double counting.")
            } else {
                plot.draw(top: frame.plotTop, &out)
            }
        }
        return Chart(svg: document, width: options.width, height: height, title: frame.title, textAlternative: description)
    }

    /// The chart in sentences: what it shows, each bar's value with its qualifier, how derived
    /// values were computed, why a row is missing, and the sources.
    public func textAlternative() -> String {
        var sentences = ["Bar chart: \(title).", subtitle.isEmpty ? "" : "\(subtitle)."]
        let lines = (response.total.map { [$0] } ?? []) + response.breakdown
        for (bar, line) in zip(bars, lines) {
            guard let value = bar.value else {
                let why = line.arithmetic.hasPrefix("not available: ") ? String(line.arithmetic.dropFirst("not available: ".count)) : line.arithmetic
                sentences.append("\(bar.label): not available (\(why)).")
                continue
            }
            sentences.append("\(bar.label): \(Wording.value(value))\(line.derived ? ", derived: \(line.arithmetic)" : "").")
        }
        if bars.isEmpty {
            sentences.append("No figures answer this question without double counting.")
            sentences += nearest.map { "\($0)." }
        }
        sentences.append(Wording.sourceLine(usedFigures, datasetVersion: response.datasetVersion))
        return sentences.filter { !$0.isEmpty }.joined(separator: " ")
    }

    // MARK: Content

    var title: String {
        if let title = options.title { return title }
        let what = Wording.measure(request.measure)
        switch request.breakdown {
        case .jurisdiction: return "\(what): \(Wording.list(jurisdictionRows.map(Wording.jurisdiction)))"
        case .article: return "\(what) in \(Wording.jurisdiction(request.jurisdiction)), by article"
        case .source: return "\(what) in \(Wording.jurisdiction(request.jurisdiction)), by source"
        case .year: return "\(what) in \(Wording.jurisdiction(request.jurisdiction)), by year"
        case .none, .unrecognized: return "\(what) in \(Wording.jurisdiction(request.jurisdiction))"
        }
    }

    private var jurisdictionRows: [String] { response.breakdown.map(\.label) }

    /// The window answered, and the articles.
    var subtitle: String {
        let periods = ([response.total?.period] + response.breakdown.map(\.period)).compactMap { $0 }.filter { $0 != .unset }
        guard let window = periods.first ?? request.window else { return Wording.articles(request.articles).capitalizedFirst }
        return "\(Wording.window(window)) · \(Wording.articles(request.articles))"
    }

    var bars: [Bar] {
        var bars: [Bar] = []
        if let total = response.total {
            let label = request.breakdown == .article && request.articles.isEmpty ? "All articles" : request.breakdown == .none ? scopeLabel : "Total"
            bars.append(Bar(label: label, value: present(total.value), fill: total.derived ? .derived : .solid(Style.total), isTotal: true))
        }
        for row in response.breakdown {
            let isRemainder = request.breakdown == .article && row.label == "unattributed"
            let fill: Fill = isRemainder ? .remainder : row.derived ? .derived : .solid(Style.published)
            bars.append(Bar(label: rowLabel(row, isRemainder: isRemainder), value: present(row.value), fill: fill, isTotal: false))
        }
        return bars
    }

    private var scopeLabel: String {
        request.articles.isEmpty ? "All articles" : Wording.articles(request.articles).capitalizedFirst
    }

    private func rowLabel(_ row: Total, isRemainder: Bool) -> String {
        if isRemainder { return "Not attributed to an article" }
        switch request.breakdown {
        case .article: return "Article \(row.label)"
        case .jurisdiction: return Wording.jurisdiction(row.label)
        // A year the window only partly covers says which part: "2025 (1 Jan – 31 May)".
        case .year where row.period != .unset && !Wording.isWholeYear(row.period): return "\(row.label) (\(Wording.span(row.period)))"
        default: return row.label
        }
    }

    private func present(_ value: Quantity) -> Quantity? {
        value.qualifier == .unspecified ? nil : value
    }

    /// Figures behind the drawn values, each once, in order of first use.
    private var usedFigures: [Figure] {
        var seen = Set<UInt32>()
        let indexes = ((response.total.map { [$0] } ?? []) + response.breakdown).flatMap(\.figureIndexes)
        return indexes.filter { seen.insert($0).inserted && Int($0) < response.figures.count }.map { response.figures[Int($0)] }
    }

    /// When nothing answers: the nearest figures, for the reader to look at instead.
    private var nearest: [String] {
        response.candidates.prefix(3).compactMap { candidate in
            guard Int(candidate.figureIndex) < response.figures.count else { return nil }
            let figure = response.figures[Int(candidate.figureIndex)]
            return "Nearest: \(Wording.value(figure.value)) for \(Wording.window(figure.period)) (\(candidate.reason))"
        }
    }

    private var frame: ChartFrame {
        var needs = LegendNeeds()
        for bar in bars {
            guard let value = bar.value else { continue }
            if bar.fill == .derived { needs.derived = true }
            if bar.fill == .remainder { needs.remainder = true }
            needs.note(value)
        }
        var legend = LegendText.entries(for: needs)
        if request.breakdown == .jurisdiction {
            legend.append((.none, "Each country's number comes from its own figures and sources; they are compared, never added."))
        }
        if bars.isEmpty { legend += nearest.map { (.none, $0) } }
        return ChartFrame(width: Double(options.width), idPrefix: options.idPrefix, title: title, subtitle: subtitle, legend: legend,
                          source: Wording.sourceLine(usedFigures, datasetVersion: response.datasetVersion))
    }
}

/// The legend's sentences, shared by both charts.
enum LegendText {
    static func entries(for needs: LegendNeeds) -> [(ChartFrame.Swatch, String)] {
        var entries: [(ChartFrame.Swatch, String)] = []
        if needs.derived { entries.append((.fill(.derived), "Derived: computed by Tally from published figures (one minus another), not published as such.")) }
        if needs.remainder { entries.append((.fill(.remainder), "Not attributed: the part of the total that no article's figure accounts for.")) }
        if needs.band { entries.append((.band, "Lighter band: the span of a range (\"700 to 800\") or of an upper bound (\"at most\").")) }
        if needs.lowerBound { entries.append((.arrow, "Arrowhead: a lower bound (\"more than\", \"at least\"); the true number is higher.")) }
        return entries
    }
}

extension String {
    var capitalizedFirst: String { prefix(1).uppercased() + dropFirst() }
}
