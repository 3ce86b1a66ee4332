/// The stretch of time a figure speaks about, both ends included.
///
/// "Since September 2022" reported on 2025-06-30 with data "by the end of May 2025" is
/// 2022-09-01...2025-05-31; "in April 2025 alone" is 2025-04-01...2025-04-30.
public struct Period: Hashable, Sendable {
    public var start: Day
    public var end: Day

    public init(start: Day, end: Day) {
        self.start = start
        self.end = end
    }

    /// The zero value the wire decodes when the period is absent; not a meaningful period.
    public static let unset = Period(start: Day(daysSinceEpoch: 0), end: Day(daysSinceEpoch: 0))

    /// Number of days covered, counting both ends; zero or less when `end` precedes `start`.
    public var dayCount: Int { Int(end.daysSinceEpoch) - Int(start.daysSinceEpoch) + 1 }

    public func contains(_ day: Day) -> Bool { start <= day && day <= end }

    public func contains(_ other: Period) -> Bool { start <= other.start && other.end <= end }

    public func overlaps(_ other: Period) -> Bool { start <= other.end && other.start <= end }
}

extension Period: CustomStringConvertible {
    public var description: String { "\(start.iso)..\(end.iso)" }
}
