/// Arithmetic on qualified numbers: what may honestly be said of a sum or a difference.
///
/// Sums (`Quantity.sum`) are interval arithmetic underneath, so they do not depend on order or
/// grouping: the low end is the sum of lower bounds ("at most" counts 0), the high end the sum of
/// upper bounds. A single term is returned as it is; otherwise, first rule that applies:
/// 1. no upper bound (a "more than" or "at least" term) → **at least** the low end:
///    "more than 4,600" + 10 = "at least 4,610";
/// 2. an "at most" term and a low end of 0 → **at most** the high end;
/// 3. a range or an "at most" term → **range** low to high: "at most 5" + 10 = "10 to 15";
/// 4. any "about" → **about** the sum; only "nearly" terms besides exact ones → **nearly** the sum;
/// 5. otherwise **exact**.
///
/// Differences (`Quantity.difference`) are taken only between bounded numbers (exact, about, nearly,
/// range): a bound minus a number says nothing. The result is the interval `whole − part`, clamped at
/// zero; exact minus exact is exact, a range anywhere gives a range, an approximation gives "about".
extension Quantity {
    /// The smallest value the quantity allows (for "more than x", x: the bound itself).
    public var lowerBound: Int64 {
        switch qualifier {
        case .range: low
        case .atMost: 0
        default: low
        }
    }

    /// The largest value the quantity allows; `nil` when unbounded above.
    public var upperBound: Int64? {
        switch qualifier {
        case .range: high
        case .moreThan, .atLeast, .unspecified, .unrecognized: nil
        default: low
        }
    }

    /// Exact, approximate or a range: a number that may be subtracted from.
    public var isBounded: Bool {
        switch qualifier {
        case .exact, .about, .nearly, .range: true
        default: false
        }
    }

    public var isApproximate: Bool { qualifier == .about || qualifier == .nearly }

    public static func sum(_ terms: [Quantity]) -> Quantity {
        if terms.count == 1 { return terms[0] }
        let low = saturatingSum(terms.map(\.lowerBound))
        let uppers = terms.map(\.upperBound)
        guard !uppers.contains(nil) else { return Quantity(qualifier: .atLeast, low: low) }
        let high = saturatingSum(uppers.map { $0! })
        let qualifiers = Set(terms.map(\.qualifier))
        if qualifiers.contains(.atMost) && low == 0 { return Quantity(qualifier: .atMost, low: high) }
        if qualifiers.contains(.range) || qualifiers.contains(.atMost) { return .range(low, high) }
        if qualifiers.contains(.about) { return Quantity(qualifier: .about, low: low) }
        if qualifiers.contains(.nearly) { return Quantity(qualifier: .nearly, low: low) }
        return .exact(low)
    }

    /// `whole − part`, or `nil` when either is not bounded or the part certainly exceeds the whole.
    public static func difference(_ whole: Quantity, minus part: Quantity) -> Quantity? {
        guard whole.isBounded, part.isBounded, let wholeHigh = whole.upperBound, let partHigh = part.upperBound else { return nil }
        let low = max(0, whole.lowerBound &- partHigh)
        let high = wholeHigh &- part.lowerBound
        guard high >= 0 else { return nil }
        if whole.qualifier == .range || part.qualifier == .range { return .range(low, high) }
        if whole.isApproximate || part.isApproximate { return Quantity(qualifier: .about, low: high) }
        return .exact(high)
    }

    /// Whether two statements of the same thing can both be true. For this check only, "about x" is
    /// read as within 10% of x and "nearly x" as between 90% of x and x.
    public func isCompatible(with other: Quantity) -> Bool {
        let (a, b) = (plausibleInterval, other.plausibleInterval)
        return a.low <= b.high && b.low <= a.high
    }

    /// The values a statement allows, as `isCompatible(with:)` reads it: closed, `.max` when unbounded.
    var plausibleInterval: (low: Int64, high: Int64) {
        let tenth = low / 10
        switch qualifier {
        case .about: return (low - tenth, low + tenth)
        case .nearly: return (low - tenth, low)
        case .moreThan: return (low &+ 1, .max)
        default: return (lowerBound, upperBound ?? .max)
        }
    }

    private static func saturatingSum(_ values: [Int64]) -> Int64 {
        values.reduce(0) { total, value in
            let (sum, overflow) = total.addingReportingOverflow(value)
            return overflow ? (value > 0 ? .max : .min) : sum
        }
    }
}

extension Qualifier {
    var isUnrecognized: Bool {
        if case .unrecognized = self { return true }
        return false
    }
}

extension Quantity: CustomStringConvertible {
    /// How a reader would say it: "18,159", "more than 20,000", "700 to 800", "about 1,000".
    public var description: String {
        let n = Quantity.grouped(low)
        switch qualifier {
        case .exact: return n
        case .moreThan: return "more than \(n)"
        case .atLeast: return "at least \(n)"
        case .about: return "about \(n)"
        case .nearly: return "nearly \(n)"
        case .atMost: return "at most \(n)"
        case .range: return "\(n) to \(Quantity.grouped(high))"
        case .unspecified: return "\(n) (unqualified)"
        case .unrecognized(let q): return "\(n) (qualifier \(q))"
        }
    }

    /// `20662` → `20,662`.
    public static func grouped(_ value: Int64) -> String {
        let digits = String(value.magnitude)
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return (value < 0 ? "-" : "") + out
    }
}
