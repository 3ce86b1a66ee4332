import TallyModel

/// A breakdown's bars in block characters, so the rows of `tally totals` compare at a glance in a
/// terminal: "█" for what a number asserts, "░" for what a range or an "at most" allows beyond
/// it, "▸" after a lower bound ("more than"). Empty for a row the figures cannot answer.
struct TerminalBars {
    let scale: Int64
    static let width = 24

    /// - Parameter values: every row's value, to scale the bars to the largest.
    init(_ values: [Quantity]) {
        scale = max(1, values.map { Self.extent($0) }.map { $0.band ?? $0.solid }.max() ?? 1)
    }

    func bar(_ value: Quantity) -> String {
        guard value.qualifier != .unspecified else { return "" }
        let (solid, band, open) = Self.extent(value)
        let solidCells = cells(solid), bandCells = max(0, cells(band ?? solid) - solidCells)
        var text = String(repeating: "█", count: solidCells) + String(repeating: "░", count: bandCells)
        if open { text += "▸" }
        return text.isEmpty ? "▏" : text
    }

    private func cells(_ value: Int64) -> Int {
        Int((Double(value) / Double(scale) * Double(Self.width)).rounded())
    }

    private static func extent(_ q: Quantity) -> (solid: Int64, band: Int64?, open: Bool) {
        switch q.qualifier {
        case .range: (q.low, q.high, false)
        case .atMost: (0, q.low, false)
        case .moreThan, .atLeast: (q.low, nil, true)
        case .unspecified, .unrecognized: (0, nil, false)
        default: (q.low, nil, false)
        }
    }
}
