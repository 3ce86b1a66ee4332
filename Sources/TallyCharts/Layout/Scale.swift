/// A linear scale from counts to pixels, ending at the largest value (so the longest bar uses the
/// whole width), with gridlines at "nice" values (1, 2, 2.5 or 5 times a power of ten) so axes read
/// 0, 5,000, 10,000 rather than 0, 4,133, 8,266.
struct LinearScale {
    let domainMax: Double
    let rangeStart: Double
    let rangeEnd: Double
    let ticks: [Int64]

    /// - Parameter maxValue: the largest value to show, drawn at `rangeEnd`.
    init(maxValue: Int64, rangeStart: Double, rangeEnd: Double, targetTicks: Int = 5) {
        let top = max(1, maxValue)
        let step = Self.niceStep(for: top, targetTicks: targetTicks)
        domainMax = Double(top)
        self.rangeStart = rangeStart
        self.rangeEnd = rangeEnd
        ticks = stride(from: Int64(0), through: top, by: Int(step)).map { $0 }
    }

    func position(_ value: Int64) -> Double {
        rangeStart + (rangeEnd - rangeStart) * min(Double(max(0, value)), domainMax) / domainMax
    }

    static func niceStep(for maxValue: Int64, targetTicks: Int) -> Int64 {
        let raw = Double(maxValue) / Double(max(1, targetTicks))
        var magnitude: Int64 = 1
        while Double(magnitude) * 10 <= raw { magnitude *= 10 }
        for factor in [1.0, 2.0, 2.5, 5.0, 10.0] where Double(magnitude) * factor >= raw {
            let step = Int64(Double(magnitude) * factor)
            if step > 0 { return step }
        }
        return magnitude * 10
    }
}
