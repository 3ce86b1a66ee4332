/// What every chart has around its plot, as a newsroom graphic has it: a title and a subtitle (the
/// window) above; below, a legend that explains only the marks the chart uses, then the source line
/// naming producers, outlets and the dataset version. White ground, so a PNG needs no backdrop.
struct ChartFrame {
    enum Swatch: Equatable {
        case fill(Fill)
        /// A lighter band: what a range or an "at most" allows.
        case band
        /// An arrowhead past a bar: a lower bound.
        case arrow
        /// No swatch: a note in words only.
        case none
    }

    struct LegendItem {
        var swatch: Swatch
        var lines: [String]
    }

    let width: Double
    let idPrefix: String
    let title: String
    let titleLines: [String]
    let subtitleLines: [String]
    let legend: [LegendItem]
    let sourceLines: [String]

    private static let titleLine = 25.0, subtitleLine = 19.0, smallLine = 16.0

    init(width: Double, idPrefix: String, title: String, subtitle: String, legend: [(Swatch, String)], source: String) {
        let inner = width - 2 * Style.margin
        self.width = width
        self.idPrefix = idPrefix
        self.title = title
        titleLines = TextMeasure.wrap(title, size: Style.titleSize, maxWidth: inner, bold: true)
        subtitleLines = subtitle.isEmpty ? [] : TextMeasure.wrap(subtitle, size: Style.subtitleSize, maxWidth: inner)
        self.legend = legend.map { swatch, text in
            LegendItem(swatch: swatch, lines: TextMeasure.wrap(text, size: Style.smallSize, maxWidth: inner - (swatch == .none ? 0 : 24)))
        }
        sourceLines = TextMeasure.wrap(source, size: Style.smallSize, maxWidth: inner)
    }

    /// Where the plot starts.
    var plotTop: Double {
        Style.margin + Double(titleLines.count) * Self.titleLine + Double(subtitleLines.count) * Self.subtitleLine + 16
    }

    private var footerHeight: Double {
        let legendHeight = legend.reduce(0.0) { $0 + Double($1.lines.count) * Self.smallLine + 4 }
        return 14 + legendHeight + (legend.isEmpty ? 0 : 6) + Double(sourceLines.count) * Self.smallLine + 12
    }

    /// The whole document: `body` draws the plot from `plotTop` down, `plotHeight` tall.
    func document(plotHeight: Double, description: String, body: (inout SVGWriter) -> Void) -> (svg: String, height: Int) {
        let height = Int((plotTop + plotHeight + footerHeight).rounded(.up))
        var out = SVGWriter()
        out.open("svg", ["xmlns": "http://www.w3.org/2000/svg", "width": "\(Int(width))", "height": "\(height)",
                         "viewBox": "0 0 \(Int(width)) \(height)", "role": "img",
                         "aria-labelledby": "\(idPrefix)-title \(idPrefix)-desc", "font-family": Style.font])
        out.element("title", ["id": "\(idPrefix)-title"], text: title)
        out.element("desc", ["id": "\(idPrefix)-desc"], text: description)
        definitions(&out)
        out.element("rect", ["width": "\(Int(width))", "height": "\(height)", "fill": "#ffffff"])
        header(&out)
        body(&out)
        footer(&out, top: plotTop + plotHeight)
        out.close("svg")
        return (out.text, height)
    }

    private func definitions(_ out: inout SVGWriter) {
        out.open("defs")
        for (name, ground, stripe) in [("derived", Style.hatchBase, Style.published), ("remainder", Style.remainderBase, Style.remainderInk)] {
            out.open("pattern", ["id": "\(idPrefix)-\(name)", "width": "6", "height": "6", "patternUnits": "userSpaceOnUse",
                                 "patternTransform": "rotate(45)"])
            out.element("rect", ["width": "6", "height": "6", "fill": ground])
            out.element("rect", ["width": "2.5", "height": "6", "fill": stripe])
            out.close("pattern")
        }
        out.close("defs")
    }

    private func header(_ out: inout SVGWriter) {
        var y = Style.margin + 16
        out.text(titleLines, x: Style.margin, y: y, lineHeight: Self.titleLine,
                 ["font-size": svg(Style.titleSize), "font-weight": "bold", "fill": Style.ink])
        y += Double(titleLines.count - 1) * Self.titleLine + Self.subtitleLine + 3
        if !subtitleLines.isEmpty {
            out.text(subtitleLines, x: Style.margin, y: y, lineHeight: Self.subtitleLine,
                     ["font-size": svg(Style.subtitleSize), "fill": Style.secondary])
        }
    }

    private func footer(_ out: inout SVGWriter, top: Double) {
        var y = top + 14
        for item in legend {
            let textX = item.swatch == .none ? Style.margin : Style.margin + 24
            swatch(item.swatch, x: Style.margin, y: y, &out)
            out.text(item.lines, x: textX, y: y + 12, lineHeight: Self.smallLine,
                     ["font-size": svg(Style.smallSize), "fill": Style.secondary])
            y += Double(item.lines.count) * Self.smallLine + 4
        }
        if !legend.isEmpty { y += 6 }
        out.text(sourceLines, x: Style.margin, y: y + 12, lineHeight: Self.smallLine,
                 ["font-size": svg(Style.smallSize), "fill": Style.muted])
    }

    private func swatch(_ kind: Swatch, x: Double, y: Double, _ out: inout SVGWriter) {
        let top = y + 2
        switch kind {
        case .fill(let fill):
            out.element("rect", ["x": svg(x), "y": svg(top), "width": "16", "height": "12", "fill": fill.paint(idPrefix)])
        case .band:
            out.element("rect", ["x": svg(x), "y": svg(top), "width": "6", "height": "12", "fill": Style.published])
            out.element("rect", ["x": svg(x + 6), "y": svg(top), "width": "10", "height": "12", "fill": Style.light])
        case .arrow:
            out.element("rect", ["x": svg(x), "y": svg(top), "width": "9", "height": "12", "fill": Style.published])
            out.element("path", ["d": ChartMarks.arrowRight(x: x + 10, centerY: top + 6), "fill": Style.published])
        case .none:
            break
        }
    }
}

/// Small shapes shared by the charts.
enum ChartMarks {
    /// An arrowhead pointing right, its base at `x`: "and more".
    static func arrowRight(x: Double, centerY: Double) -> String {
        "M\(svg(x)) \(svg(centerY - 6))L\(svg(x + 7)) \(svg(centerY))L\(svg(x)) \(svg(centerY + 6))Z"
    }

    /// An arrowhead pointing up, its base at `y`.
    static func arrowUp(centerX: Double, y: Double) -> String {
        "M\(svg(centerX - 7)) \(svg(y))L\(svg(centerX)) \(svg(y - 8))L\(svg(centerX + 7)) \(svg(y))Z"
    }
}
