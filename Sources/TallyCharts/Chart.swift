// Tally's charts: answers in, SVG out. No I/O, no fonts, no assets: a chart is a string of SVG
// and its text alternative, the same bytes for the same answer, so the CLI can write it to a file
// and the server's page can put it inline.
//
// ```swift
// let chart = TotalsChart(request: request, response: response).render()
// chart.svg              // a standalone SVG document, also valid inline in HTML
// chart.textAlternative  // the same chart in plain sentences (also in its <title>/<desc>)
// ```
// `TotalsChart` draws any answer of the Totals call as horizontal bars (the total and a breakdown
// by article, source, year or jurisdiction); `SeriesChart` draws a `CumulativeSeries` (from
// `TotalsEngine.series`) as columns over time.

/// Settings a caller may change; everything else (sizes, colours, wording) is the house style.
public struct ChartOptions: Sendable, Hashable {
    /// Width in CSS pixels; the height follows from the content. Below 400 labels crowd.
    public var width: Int
    /// Replaces the generated title ("Criminal cases received by courts in Russia, by article").
    public var title: String?
    /// Prefix of the ids inside the SVG (`<title>`, `<desc>`, hatch patterns). Give each chart on
    /// one HTML page its own prefix: inline SVGs share the page's id namespace.
    public var idPrefix: String

    public init(width: Int = 640, title: String? = nil, idPrefix: String = "tally-chart") {
        self.width = max(400, width)
        self.title = title
        self.idPrefix = idPrefix
    }
}

/// A rendered chart.
public struct Chart: Sendable, Hashable {
    /// An SVG document without an XML declaration (so it can be inlined in HTML as it is).
    public var svg: String
    /// Pixel size at 1×: what a PNG renderer produces at 96 dpi.
    public var width: Int
    public var height: Int
    /// The chart's title, as drawn.
    public var title: String
    /// Plain text saying what the chart shows, every value with its qualifier, what is derived and
    /// the sources: for screen readers (it is also the SVG's `<desc>`) and for `alt` attributes.
    public var textAlternative: String
}
