/// How exact a published number is, in the words of its source.
///
/// The wire carries these as an open enum: a value this build does not know survives decoding as
/// `unrecognized` (so a newer server's data still parses) and is rejected by validation instead.
public enum Qualifier: Hashable, Sendable {
    case unspecified
    /// "18,159 cases".
    case exact
    /// "more than 4,600", "over 20,000": a strict lower bound.
    case moreThan
    /// "at least": an inclusive lower bound.
    case atLeast
    /// "around 1,000", "approximately 5,200", "roughly 100".
    case about
    /// "nearly 100", "almost two years": close to, and below.
    case nearly
    /// "up to", "no more than".
    case atMost
    /// "between 700 and 800", "15,000 to 20,000": `low...high`.
    case range
    case unrecognized(Int32)
}

/// A published number with its qualifier. For `.range` the value is `low...high`; otherwise `low`
/// is the number and `high` is zero.
public struct Quantity: Hashable, Sendable {
    public var qualifier: Qualifier
    public var low: Int64
    public var high: Int64

    public init(qualifier: Qualifier = .unspecified, low: Int64 = 0, high: Int64 = 0) {
        self.qualifier = qualifier
        self.low = low
        self.high = high
    }

    public static func exact(_ value: Int64) -> Quantity { Quantity(qualifier: .exact, low: value) }

    public static func range(_ low: Int64, _ high: Int64) -> Quantity { Quantity(qualifier: .range, low: low, high: high) }
}
