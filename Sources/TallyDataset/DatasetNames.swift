import TallyModel

/// The words the dataset file uses for enums: the schema's names, lower case, without prefix.
extension FigureKind {
    init?(name: String) {
        switch name {
        case "count": self = .count
        case "rate": self = .rate
        case "projection": self = .projection
        case "share": self = .share
        case "level": self = .level
        default: return nil
        }
    }

    var name: String? {
        switch self {
        case .count: "count"
        case .rate: "rate"
        case .projection: "projection"
        case .share: "share"
        case .level: "level"
        case .unspecified, .unrecognized: nil
        }
    }
}

extension RateUnit {
    init?(name: String) {
        switch name {
        case "per_day": self = .perDay
        case "per_working_day": self = .perWorkingDay
        case "per_week": self = .perWeek
        case "per_month": self = .perMonth
        case "per_year": self = .perYear
        default: return nil
        }
    }

    var name: String? {
        switch self {
        case .perDay: "per_day"
        case .perWorkingDay: "per_working_day"
        case .perWeek: "per_week"
        case .perMonth: "per_month"
        case .perYear: "per_year"
        case .unspecified, .unrecognized: nil
        }
    }
}

extension TallyModel.Category {
    var name: String? {
        switch self {
        case .prosecution: "prosecution"
        case .context: "context"
        case .unspecified, .unrecognized: nil
        }
    }
}
