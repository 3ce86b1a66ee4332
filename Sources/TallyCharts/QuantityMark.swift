import TallyModel

/// How a qualified number is drawn along a value axis, so the mark says what the words say:
/// a range is a bar to its low end and a lighter band to its high end; "more than" and "at least"
/// are a bar with an arrowhead past it (the true number lies beyond); "at most" is only a band.
struct QuantityMark: Equatable {
    /// Solid from zero to here.
    var solidEnd: Int64
    /// A lighter band from `solidEnd` to here, for what the number allows but does not assert.
    var bandEnd: Int64?
    /// A lower bound: the number is at least `solidEnd`, perhaps much more.
    var opensUpward: Bool

    init?(_ quantity: Quantity) {
        switch quantity.qualifier {
        case .exact, .about, .nearly: self.init(solidEnd: quantity.low, bandEnd: nil, opensUpward: false)
        case .range: self.init(solidEnd: quantity.low, bandEnd: max(quantity.low, quantity.high), opensUpward: false)
        case .atMost: self.init(solidEnd: 0, bandEnd: quantity.low, opensUpward: false)
        case .moreThan, .atLeast: self.init(solidEnd: quantity.low, bandEnd: nil, opensUpward: true)
        case .unspecified, .unrecognized: return nil
        }
    }

    init(solidEnd: Int64, bandEnd: Int64?, opensUpward: Bool) {
        self.solidEnd = solidEnd
        self.bandEnd = bandEnd
        self.opensUpward = opensUpward
    }

    /// Where the mark visibly ends, for placing its label.
    var reach: Int64 { bandEnd ?? solidEnd }
}

/// The notes a legend needs for the marks and fills a chart actually uses, in a fixed order.
struct LegendNeeds {
    var derived = false
    var remainder = false
    var band = false
    var lowerBound = false
    var approximate = false

    mutating func note(_ quantity: Quantity) {
        switch quantity.qualifier {
        case .range, .atMost: band = true
        case .moreThan, .atLeast: lowerBound = true
        case .about, .nearly: approximate = true
        default: break
        }
    }
}
