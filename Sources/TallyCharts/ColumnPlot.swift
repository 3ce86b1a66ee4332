import TallyModel

/// Columns over time: one per point of a series, at its end day on a true time axis (so uneven
/// gaps between reports stay visible), its height the running total, its top segment the intake
/// since the previous point and the rest, lighter, what was counted before. Under the axis, each
/// column's date, and a bracket over the stretch of time each intake covers with its value
/// ("+4,350"), so a long first count reads as long.
struct ColumnPlot {
    let series: CumulativeSeries
    let width: Double
    let idPrefix: String

    static let plotHeight = 230.0, valueRoom = 24.0, labelLine = 14.0
    var height: Double { Self.valueRoom + Self.plotHeight + axisLabelsHeight }

    /// Under the axis: dates (one or two lines), the brackets, intake labels (one or two lines).
    private var axisLabelsHeight: Double {
        bracketOffset + 16 + Double((intakeLabels.map(\.level).max() ?? 0)) * Self.labelLine + 8
    }

    private var bracketOffset: Double { 13 + Double((dateLabels.map(\.level).max() ?? 0) + 1) * Self.labelLine }

    private var showsOrigin: Bool {
        guard let origin = series.origin, let first = points.first else { return false }
        return x(first.cumulative.period.end) - x(origin) > 80
    }

    /// The origin's date (when there is room) and each column's, with the line each goes on.
    private var dateLabels: [(x: Double, text: String, level: Int)] {
        var labels: [(Double, String)] = []
        if showsOrigin, let origin = series.origin { labels.append((x(origin), Wording.axisDate(origin, monthEnds: false))) }
        labels += points.map { (x($0.cumulative.period.end), Wording.axisDate($0.cumulative.period.end, monthEnds: monthEnds)) }
        let levels = Self.levels(labels.map { ($0.0, TextMeasure.width($0.1, size: Style.smallSize)) })
        return zip(labels, levels).map { ($0.0, $0.1, $1) }
    }

    /// Each point's intake label, centred under the stretch it covers, with its line.
    private var intakeLabels: [(start: Double, end: Double, text: String, level: Int)] {
        var start = series.origin.map(x) ?? plotLeft
        var spans: [(Double, Double, String)] = []
        for point in points {
            let end = x(point.cumulative.period.end)
            spans.append((start, end, point.intake.value.map(Self.intakeText) ?? "+ not known"))
            start = end
        }
        let levels = Self.levels(spans.map { (($0.0 + $0.1) / 2, TextMeasure.width($0.2, size: Style.smallSize, bold: true)) })
        return zip(spans, levels).map { ($0.0, $0.1, $0.2, $1) }
    }

    /// "+4,350"; a qualified number keeps its words apart from the sign: "+ more than 4,600".
    static func intakeText(_ value: Quantity) -> String {
        value.qualifier == .exact ? "+\(Wording.value(value))" : "+ \(Wording.value(value))"
    }

    /// A label that would overlap its left neighbour goes one line lower (two lines are enough for
    /// reports a few months apart at 400 px).
    static func levels(_ labels: [(center: Double, width: Double)]) -> [Int] {
        var right = [-Double.infinity, -Double.infinity]
        return labels.map { label in
            let level = label.center - label.width / 2 >= right[0] + 6 ? 0 : 1
            right[level] = label.center + label.width / 2
            return level
        }
    }

    private var points: [SeriesPoint] { series.points }
    private var monthEnds: Bool { points.allSatisfy { Wording.isMonthEnd($0.cumulative.period.end) } }

    private var valueScale: LinearScale {
        let reach = points.compactMap { $0.cumulative.value.flatMap(QuantityMark.init)?.reach }.max() ?? 1
        return LinearScale(maxValue: reach, rangeStart: 0, rangeEnd: Self.plotHeight, targetTicks: 4)
    }

    private var axisLabelWidth: Double {
        (valueScale.ticks.map { TextMeasure.width(Quantity.grouped($0), size: Style.smallSize) }.max() ?? 0) + 8
    }

    private var plotLeft: Double { Style.margin + axisLabelWidth }
    private var plotRight: Double { width - Style.margin }

    /// Column width: wide when reports are far apart, narrower when they crowd.
    private var columnWidth: Double {
        let span = plotRight - plotLeft - 60
        guard let origin = series.origin, let last = points.last?.cumulative.period.end, points.count > 1 else { return 56 }
        let days = Double(max(1, last.daysSinceEpoch - origin.daysSinceEpoch))
        let gaps = zip(points, points.dropFirst()).map { Double($1.cumulative.period.end.daysSinceEpoch - $0.cumulative.period.end.daysSinceEpoch) / days * span }
        return min(56, max(12, (gaps.min() ?? span) * 0.6))
    }

    /// x of a day's column centre: the origin at the left, the last point at the right.
    private func x(_ day: Day) -> Double {
        guard let origin = series.origin, let last = points.last?.cumulative.period.end, last > origin else { return (plotLeft + plotRight) / 2 }
        let left = plotLeft + columnWidth / 2 + 8, right = plotRight - columnWidth / 2 - 30
        return left + (right - left) * Double(day.daysSinceEpoch - origin.daysSinceEpoch) / Double(last.daysSinceEpoch - origin.daysSinceEpoch)
    }

    func draw(top: Double, _ out: inout SVGWriter) {
        let scale = valueScale
        let base = top + Self.valueRoom + Self.plotHeight
        func y(_ value: Int64) -> Double { base - scale.position(value) }
        out.open("g", ["class": "grid"])
        for tick in scale.ticks {
            out.element("line", ["x1": svg(plotLeft), "y1": svg(y(tick)), "x2": svg(plotRight), "y2": svg(y(tick)),
                                 "stroke": tick == 0 ? Style.axis : Style.grid, "stroke-width": "1"])
            out.element("text", ["x": svg(plotLeft - 8), "y": svg(y(tick) + 4), "text-anchor": "end",
                                 "font-size": svg(Style.smallSize), "fill": Style.muted], text: Quantity.grouped(tick))
        }
        out.close("g")
        for point in points { column(point, base: base, y: y, &out) }
        for label in dateLabels {
            let y = base + 18 + Double(label.level) * Self.labelLine
            out.element("line", ["x1": svg(label.x), "y1": svg(base), "x2": svg(label.x), "y2": svg(y - 11), "stroke": Style.axis])
            out.element("text", ["x": svg(label.x), "y": svg(y), "text-anchor": "middle", "font-size": svg(Style.smallSize),
                                 "fill": Style.secondary], text: label.text)
        }
        for (label, point) in zip(intakeLabels, points) { intakeBracket(point, label, base: base, &out) }
    }

    private func column(_ point: SeriesPoint, base: Double, y: (Int64) -> Double, _ out: inout SVGWriter) {
        let center = x(point.cumulative.period.end), w = columnWidth, left = center - w / 2
        var labelTop = base
        if let value = point.cumulative.value, let mark = QuantityMark(value) {
            let cumulativeFill: Fill = point.cumulative.isDerived ? .derived : .solid(Style.published)
            if mark.bandEnd == nil, !mark.opensUpward, let intake = point.intake.value, let added = QuantityMark(intake),
               added.bandEnd == nil, !added.opensUpward, added.solidEnd <= mark.solidEnd {
                let before = mark.solidEnd - added.solidEnd
                rect(left, y(before), w, base - y(before), .solid(Style.light), &out)
                rect(left, y(mark.solidEnd), w, y(before) - y(mark.solidEnd), point.intake.isDerived ? .derived : .solid(Style.published), &out)
            } else {
                rect(left, y(mark.solidEnd), w, base - y(mark.solidEnd), cumulativeFill, &out)
            }
            labelTop = y(mark.solidEnd)
            if let band = mark.bandEnd {
                rect(left, y(band), w, y(mark.solidEnd) - y(band), .solid(Style.light), &out)
                out.element("line", ["x1": svg(left), "y1": svg(y(band)), "x2": svg(left + w), "y2": svg(y(band)), "stroke": Style.published, "stroke-width": "1.5"])
                labelTop = y(band)
            }
            if mark.opensUpward {
                out.element("path", ["d": ChartMarks.arrowUp(centerX: center, y: labelTop - 1), "fill": Style.published])
                labelTop -= 9
            }
        }
        let text = point.cumulative.value.map(Wording.value) ?? "not available"
        // Centred on the column, but never past the margins ("more than 4,600" is wider than a column).
        let half = TextMeasure.width(text, size: Style.valueSize, bold: true) / 2
        let labelX = min(max(center, Style.margin + half), width - Style.margin - half)
        out.element("text", ["x": svg(labelX), "y": svg(labelTop - 6), "text-anchor": "middle", "font-size": svg(Style.valueSize),
                             "font-weight": "bold", "fill": Style.ink], text: text)
    }

    /// A bracket under the dates from the previous point (or the first day) to this one, and the
    /// intake over that stretch in its middle.
    private func intakeBracket(_ point: SeriesPoint, _ label: (start: Double, end: Double, text: String, level: Int),
                               base: Double, _ out: inout SVGWriter) {
        let y = base + bracketOffset, left = label.start + 3, right = label.end - 3
        let colour = point.intake.value == nil ? Style.muted : Style.published
        if right - left > 8 {
            out.element("path", ["d": "M\(svg(left)) \(svg(y - 4))V\(svg(y))H\(svg(right))V\(svg(y - 4))", "fill": "none",
                                 "stroke": colour, "stroke-width": "1.5"])
        }
        out.element("text", ["x": svg((label.start + label.end) / 2), "y": svg(y + 16 + Double(label.level) * Self.labelLine),
                             "text-anchor": "middle", "font-size": svg(Style.smallSize), "font-weight": "bold", "fill": colour], text: label.text)
    }

    private func rect(_ x: Double, _ y: Double, _ w: Double, _ h: Double, _ fill: Fill, _ out: inout SVGWriter) {
        guard h > 0 else { return }
        out.element("rect", ["x": svg(x), "y": svg(y), "width": svg(w), "height": svg(h), "fill": fill.paint(idPrefix)])
    }
}
