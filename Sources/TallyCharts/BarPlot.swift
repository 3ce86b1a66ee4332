import TallyModel

/// One bar of a horizontal bar chart.
struct Bar {
    var label: String
    /// `nil`: the figures cannot answer this row; it says so instead of drawing a bar.
    var value: Quantity?
    var fill: Fill
    var isTotal: Bool
}

/// Horizontal bars, labels on the left and each value written past its bar's end, over light
/// gridlines: the layout of a newsroom bar chart, sized from estimated text widths.
struct BarPlot {
    let bars: [Bar]
    let width: Double
    let idPrefix: String

    private static let rowHeight = 32.0, barHeight = 20.0, labelLine = 16.0, axisHeight = 22.0, separator = 10.0

    private var inner: Double { width - 2 * Style.margin }

    private var labelWidth: Double {
        let widest = bars.map { TextMeasure.width($0.label, size: Style.labelSize, bold: $0.isTotal) }.max() ?? 0
        return min(widest, inner * 0.36)
    }

    private func labelLines(_ bar: Bar) -> [String] {
        TextMeasure.wrap(bar.label, size: Style.labelSize, maxWidth: labelWidth, bold: bar.isTotal)
    }

    private func rowHeight(_ bar: Bar) -> Double {
        max(Self.rowHeight, Double(labelLines(bar).count) * Self.labelLine + 12)
    }

    private var hasSeparator: Bool { bars.first?.isTotal == true && bars.count > 1 }

    var height: Double {
        bars.reduce(0) { $0 + rowHeight($1) } + (hasSeparator ? Self.separator : 0) + Self.axisHeight
    }

    private func valueText(_ bar: Bar) -> String { bar.value.map(Wording.value) ?? "not available" }

    private var scale: LinearScale {
        let marks = bars.compactMap { $0.value.flatMap(QuantityMark.init) }
        let reserve = (bars.map { TextMeasure.width(valueText($0), size: Style.valueSize, bold: $0.isTotal) }.max() ?? 0)
            + 8 + (marks.contains { $0.opensUpward } ? 10 : 0)
        let start = Style.margin + labelWidth + 12, end = max(start + 80, width - Style.margin - reserve)
        let top = marks.map(\.reach).max() ?? 1
        // As many gridlines as their labels leave room for (each label and a gap), at most five.
        let label = TextMeasure.width(Quantity.grouped(top), size: Style.smallSize) + 18
        return LinearScale(maxValue: top, rangeStart: start, rangeEnd: end, targetTicks: max(1, min(5, Int((end - start) / label))))
    }

    func draw(top: Double, _ out: inout SVGWriter) {
        let scale = scale
        let bottom = top + height - Self.axisHeight
        out.open("g", ["class": "grid"])
        for tick in scale.ticks {
            let x = scale.position(tick)
            out.element("line", ["x1": svg(x), "y1": svg(top), "x2": svg(x), "y2": svg(bottom),
                                 "stroke": tick == 0 ? Style.axis : Style.grid, "stroke-width": "1"])
            out.element("text", ["x": svg(x), "y": svg(bottom + 16), "text-anchor": "middle",
                                 "font-size": svg(Style.smallSize), "fill": Style.muted], text: Quantity.grouped(tick))
        }
        out.close("g")
        var y = top
        for (index, bar) in bars.enumerated() {
            let height = rowHeight(bar)
            drawRow(bar, top: y, height: height, scale: scale, &out)
            y += height
            if index == 0 && hasSeparator {
                out.element("line", ["x1": svg(Style.margin), "y1": svg(y + Self.separator / 2), "x2": svg(width - Style.margin),
                                     "y2": svg(y + Self.separator / 2), "stroke": Style.grid, "stroke-width": "1"])
                y += Self.separator
            }
        }
    }

    private func drawRow(_ bar: Bar, top: Double, height: Double, scale: LinearScale, _ out: inout SVGWriter) {
        let center = top + height / 2
        let lines = labelLines(bar)
        let weight: SVGAttributes = bar.isTotal ? ["font-weight": "bold"] : [:]
        out.text(lines, x: Style.margin, y: center + 4.5 - Double(lines.count - 1) * Self.labelLine / 2, lineHeight: Self.labelLine,
                 ["font-size": svg(Style.labelSize), "fill": Style.ink] + weight)
        guard let value = bar.value, let mark = QuantityMark(value) else {
            out.element("text", ["x": svg(scale.rangeStart + 6), "y": svg(center + 4.5), "font-size": svg(Style.valueSize),
                                 "font-style": "italic", "fill": Style.muted], text: "not available")
            return
        }
        let barTop = center - Self.barHeight / 2
        // A count too small for the scale still gets a sliver, so its mark (and hatching) shows.
        let x0 = scale.rangeStart, solid = mark.solidEnd > 0 ? max(scale.position(mark.solidEnd), x0 + 3) : x0
        if solid > x0 {
            out.element("rect", ["x": svg(x0), "y": svg(barTop), "width": svg(solid - x0), "height": svg(Self.barHeight),
                                 "fill": bar.fill.paint(idPrefix)])
        }
        var end = solid
        if let band = mark.bandEnd {
            end = max(scale.position(band), solid + 2)
            // A derived "at most" has no solid part to carry the hatching: its band does.
            let bandFill = solid == x0 && bar.fill != .solid(Style.published) && bar.fill != .solid(Style.total) ? bar.fill.paint(idPrefix) : Style.light
            out.element("rect", ["x": svg(solid), "y": svg(barTop), "width": svg(end - solid), "height": svg(Self.barHeight),
                                 "fill": bandFill])
            out.element("line", ["x1": svg(end), "y1": svg(barTop), "x2": svg(end), "y2": svg(barTop + Self.barHeight),
                                 "stroke": Style.published, "stroke-width": "1.5"])
        }
        if mark.opensUpward {
            out.element("path", ["d": ChartMarks.arrowRight(x: solid + 1, centerY: center), "fill": Style.published])
            end = solid + 9
        }
        out.element("text", ["x": svg(end + 6), "y": svg(center + 4.5), "font-size": svg(Style.valueSize), "fill": Style.ink] + weight,
                    text: valueText(bar))
    }
}
