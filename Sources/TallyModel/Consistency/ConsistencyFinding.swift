/// What in the dataset does not agree with itself: the questions a careful reader would ask before
/// trusting a number. One finding per group (`ConsistencyGroup`), however many figures disagree in
/// it, so a report grows with the dataset, not with the square of its groups.
public struct ConsistencyFinding: Sendable, Hashable {
    public enum Kind: Sendable, Hashable {
        /// Per-article figures that do not add up to the figure for all articles of the same period.
        case partsDoNotAddUp
        /// Statements of the same number (same scope, period and kind) that cannot all be true.
        case conflictingValues
    }

    /// Values stated in the group and which figures state each, so a reader sees who says what.
    public struct StatedValue: Sendable, Hashable {
        public var value: Quantity
        /// In id order.
        public var figures: [Figure]

        public init(value: Quantity, figures: [Figure]) {
            self.value = value
            self.figures = figures
        }
    }

    public var kind: Kind
    /// The group the finding is about; a recomputation of that group replaces it.
    public var group: ConsistencyGroup
    public var summary: String
    /// Conflicts: every figure that contradicts at least one other, in value order. Parts: the
    /// wholes the parts fail to match (preferred first), then the parts in article order.
    public var figures: [Figure]
    /// Conflicts: each distinct value among `figures`, smallest first. Parts: each distinct value
    /// of the wholes the parts fail to match, in the order of `figures`.
    public var statedValues: [StatedValue]
    /// The gap: between the largest and the smallest conflicting value, or whole minus parts for
    /// the preferred whole; `nil` when a value is unbounded.
    public var difference: Quantity?

    public init(kind: Kind, group: ConsistencyGroup, summary: String, figures: [Figure],
                statedValues: [StatedValue], difference: Quantity?) {
        self.kind = kind
        self.group = group
        self.summary = summary
        self.figures = figures
        self.statedValues = statedValues
        self.difference = difference
    }
}

/// The figures one finding can be about; a figure is in one or two groups (`groups(of:)`).
///
/// A publish only changes the findings of the groups its old and new figures are in, which is what
/// `ConsistencyIndex` uses to recompute no more than those.
public enum ConsistencyGroup: Sendable, Hashable {
    /// Statements of one number: same jurisdiction, measure, set of articles, period, kind and rate
    /// unit. Checked for values that contradict each other.
    case statement(jurisdiction: String, measure: String, articles: Set<String>, period: Period, kind: FigureKind, rateUnit: RateUnit)
    /// Counts of one jurisdiction, measure and period, for all articles (wholes) or for a single
    /// article (parts). Checked for parts that don't add up to the whole.
    case breakdown(jurisdiction: String, measure: String, period: Period)

    public static func groups(of figure: Figure) -> [ConsistencyGroup] {
        let statement = ConsistencyGroup.statement(jurisdiction: figure.jurisdiction, measure: figure.measure, articles: Set(figure.articles),
                                                   period: figure.period, kind: figure.kind, rateUnit: figure.rateUnit)
        guard figure.kind == .count, figure.articles.count <= 1 else { return [statement] }
        return [statement, .breakdown(jurisdiction: figure.jurisdiction, measure: figure.measure, period: figure.period)]
    }
}

extension Quantity: Comparable {
    /// Orders by lower bound, then upper bound (unbounded last), then by how it reads, so that
    /// different values never tie: the order findings list values in.
    public static func < (lhs: Quantity, rhs: Quantity) -> Bool {
        (lhs.lowerBound, lhs.upperBound ?? .max) != (rhs.lowerBound, rhs.upperBound ?? .max)
            ? (lhs.lowerBound, lhs.upperBound ?? .max) < (rhs.lowerBound, rhs.upperBound ?? .max)
            : (lhs.description, lhs.high) < (rhs.description, rhs.high)
    }
}
