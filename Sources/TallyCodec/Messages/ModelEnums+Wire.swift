public import TallyModel

extension Qualifier: WireEnum {
    @inlinable
    public init(wireValue: Int32) {
        switch wireValue {
        case 0: self = .unspecified
        case 1: self = .exact
        case 2: self = .moreThan
        case 3: self = .atLeast
        case 4: self = .about
        case 5: self = .nearly
        case 6: self = .atMost
        case 7: self = .range
        default: self = .unrecognized(wireValue)
        }
    }

    @inlinable
    public var wireValue: Int32 {
        switch self {
        case .unspecified: 0
        case .exact: 1
        case .moreThan: 2
        case .atLeast: 3
        case .about: 4
        case .nearly: 5
        case .atMost: 6
        case .range: 7
        case .unrecognized(let value): value
        }
    }
}

extension Category: WireEnum {
    @inlinable
    public init(wireValue: Int32) {
        switch wireValue {
        case 0: self = .unspecified
        case 1: self = .prosecution
        case 2: self = .context
        default: self = .unrecognized(wireValue)
        }
    }

    @inlinable
    public var wireValue: Int32 {
        switch self {
        case .unspecified: 0
        case .prosecution: 1
        case .context: 2
        case .unrecognized(let value): value
        }
    }
}

extension FigureKind: WireEnum {
    @inlinable
    public init(wireValue: Int32) {
        switch wireValue {
        case 0: self = .unspecified
        case 1: self = .count
        case 2: self = .rate
        case 3: self = .projection
        case 4: self = .share
        case 5: self = .level
        default: self = .unrecognized(wireValue)
        }
    }

    @inlinable
    public var wireValue: Int32 {
        switch self {
        case .unspecified: 0
        case .count: 1
        case .rate: 2
        case .projection: 3
        case .share: 4
        case .level: 5
        case .unrecognized(let value): value
        }
    }
}

extension RateUnit: WireEnum {
    @inlinable
    public init(wireValue: Int32) {
        switch wireValue {
        case 0: self = .unspecified
        case 1: self = .perDay
        case 2: self = .perWorkingDay
        case 3: self = .perWeek
        case 4: self = .perMonth
        case 5: self = .perYear
        default: self = .unrecognized(wireValue)
        }
    }

    @inlinable
    public var wireValue: Int32 {
        switch self {
        case .unspecified: 0
        case .perDay: 1
        case .perWorkingDay: 2
        case .perWeek: 3
        case .perMonth: 4
        case .perYear: 5
        case .unrecognized(let value): value
        }
    }
}
