public import TallyModel

/// A series over time as a column chart: running totals of one measure at each date the figures
/// allow (`TotalsEngine.series`), the intake between consecutive dates on top of each column and
/// under the axis. Derived values (a published total minus another) are hatched.
///
/// Input: the series and the dataset version its figures came from (the Figures call's
/// `dataset_version`, or the snapshot's).
public struct SeriesChart: Sendable {
    public let series: CumulativeSeries
    public let datasetVersion: UInt64
    public let options: ChartOptions

    public init(series: CumulativeSeries, datasetVersion: UInt64, options: ChartOptions = ChartOptions()) {
        self.series = series
        self.datasetVersion = datasetVersion
        self.options = options
    }

    public func render() -> Chart {
        let frame = self.frame
        let plot = ColumnPlot(series: series, width: Double(options.width), idPrefix: options.idPrefix)
        let description = textAlternative()
        let (document, height) = frame.document(plotHeight: series.points.isEmpty ? 40 : plot.height, description: description) { out in
            if series.points.isEmpty {
                out.element("text", ["x": svg(Style.margin), "y": svg(frame.plotTop + 20), "font-size": svg(Style.labelSize),
                                     "font-style": "italic", "fill": Style.secondary], text: "No counts of this measure can be put on a timeline.")
            } else {
                plot.draw(top: frame.plotTop, &out)
            }
        }
        return Chart(svg: document, width: options.width, height: height, title: frame.title, textAlternative: description)
    }

    /// The series in sentences: each date's running total and the intake since the date before,
    /// with qualifiers and, for derived values, the arithmetic; then the sources.
    public func textAlternative() -> String {
        var sentences = ["Column chart: \(title).", "\(subtitle)."]
        var previous: Day?
        for point in series.points {
            let end = Wording.date(point.cumulative.period.end)
            var sentence = "By \(end): \(point.cumulative.value.map(Wording.value) ?? "not available")"
            if point.cumulative.isDerived { sentence += " (derived: \(point.cumulative.arithmetic))" }
            if let previous {
                sentence += "; added since \(Wording.date(previous)): \(point.intake.value.map(Wording.value) ?? "not known")"
                if point.intake.value != nil && point.intake.isDerived { sentence += " (derived: \(point.intake.arithmetic))" }
            }
            sentences.append(sentence + ".")
            previous = point.cumulative.period.end
        }
        if series.points.isEmpty { sentences.append("No counts of this measure can be put on a timeline.") }
        sentences.append(Wording.sourceLine(series.figures, datasetVersion: datasetVersion))
        return sentences.joined(separator: " ")
    }

    var title: String {
        if let title = options.title { return title }
        let base = "\(Wording.measure(series.query.measure)) in \(Wording.jurisdiction(series.query.jurisdiction))"
        guard let origin = series.origin else { return base }
        let (y, m, _) = origin.civil
        return "\(base) since \(Wording.months[m - 1]) \(y)"
    }

    var subtitle: String {
        let scope = Wording.articles(series.query.articles)
        guard let origin = series.origin else { return scope.capitalizedFirst }
        return "Running total from \(Wording.date(origin)) at each date the figures give, and (below the dates) the intake between them · \(scope)"
    }

    private var frame: ChartFrame {
        var needs = LegendNeeds()
        for point in series.points {
            if point.cumulative.isDerived || point.intake.isDerived { needs.derived = true }
            for value in [point.cumulative.value, point.intake.value].compactMap({ $0 }) { needs.note(value) }
        }
        var legend: [(ChartFrame.Swatch, String)] = []
        if let origin = series.origin, !series.points.isEmpty {
            legend.append((.fill(.solid(Style.published)), "Intake since the date before (the first column: everything since \(Wording.date(origin)))."))
            if series.points.count > 1 { legend.append((.fill(.solid(Style.light)), "Counted before that date.")) }
        }
        legend += LegendText.entries(for: needs)
        return ChartFrame(width: Double(options.width), idPrefix: options.idPrefix, title: title, subtitle: subtitle, legend: legend,
                          source: Wording.sourceLine(series.figures, datasetVersion: datasetVersion))
    }
}
