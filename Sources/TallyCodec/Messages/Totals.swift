public import TallyModel

/// How a totals answer is broken down.
public enum Breakdown: WireEnum {
    case none, article, source, year
    /// Side by side, a row per jurisdiction; no overall total (`BREAKDOWN_JURISDICTION`, 4).
    case jurisdiction
    case unrecognized(Int32)

    @inlinable
    public init(wireValue: Int32) {
        switch wireValue {
        case 0: self = .none
        case 1: self = .article
        case 2: self = .source
        case 3: self = .year
        case 4: self = .jurisdiction
        default: self = .unrecognized(wireValue)
        }
    }

    @inlinable
    public var wireValue: Int32 {
        switch self {
        case .none: 0
        case .article: 1
        case .source: 2
        case .year: 3
        case .jurisdiction: 4
        case .unrecognized(let value): value
        }
    }
}

/// "How many X in jurisdiction J over window W?"
public struct TotalsRequest: WireMessage {
    public static let protoName = "tally.v1.TotalsRequest"
    public var jurisdiction = ""
    public var measure = ""
    public var articles: [String] = []
    /// `nil`: the widest window the data covers.
    public var window: Period?
    public var breakdown = Breakdown.none

    public init() {}

    public init(jurisdiction: String, measure: String, articles: [String] = [], window: Period? = nil, breakdown: Breakdown = .none) {
        self.jurisdiction = jurisdiction
        self.measure = measure
        self.articles = articles
        self.window = window
        self.breakdown = breakdown
    }

    public func encode(to writer: inout WireWriter) {
        writer.string(1, jurisdiction)
        writer.string(2, measure)
        writer.repeatedString(3, articles)
        writer.optionalMessage(4, window)
        writer.enumValue(5, breakdown)
    }

    public mutating func decodeField(_ tag: FieldTag, from reader: inout WireReader) throws(WireError) {
        switch tag.field {
        case 1: jurisdiction = try reader.string(tag)
        case 2: measure = try reader.string(tag)
        case 3: try reader.append(try reader.string(tag), to: &articles)
        case 4: window = try reader.message(tag)
        case 5: breakdown = try reader.enumValue(tag)
        default: try reader.skipField(tag)
        }
    }
}

/// One number of an answer, with the figures it was made of.
public struct Total: WireMessage {
    public static let protoName = "tally.v1.Total"
    public var label = ""
    public var value = Quantity()
    /// Indexes into `TotalsResponse.figures`.
    public var figureIndexes: [UInt32] = []
    public var derived = false
    public var arithmetic = ""
    public var period = Period.unset

    public init() {}

    public func encode(to writer: inout WireWriter) {
        writer.string(1, label)
        writer.messageUnlessEmpty(2, value)
        writer.packedUInt32(3, figureIndexes)
        writer.bool(4, derived)
        writer.string(5, arithmetic)
        writer.messageUnlessEmpty(6, period)
    }

    public mutating func decodeField(_ tag: FieldTag, from reader: inout WireReader) throws(WireError) {
        switch tag.field {
        case 1: label = try reader.string(tag)
        case 2: value = try reader.message(tag)
        case 3: try reader.appendUInt32(tag, to: &figureIndexes)
        case 4: derived = try reader.bool(tag)
        case 5: arithmetic = try reader.string(tag)
        case 6: period = try reader.message(tag)
        default: try reader.skipField(tag)
        }
    }
}

/// A figure that was considered for an answer and did not fit.
public struct Candidate: WireMessage {
    public static let protoName = "tally.v1.Candidate"
    public var figureIndex: UInt32 = 0
    public var reason = ""

    public init() {}

    public init(figureIndex: UInt32, reason: String) {
        self.figureIndex = figureIndex
        self.reason = reason
    }

    public func encode(to writer: inout WireWriter) {
        writer.uint32(1, figureIndex)
        writer.string(2, reason)
    }

    public mutating func decodeField(_ tag: FieldTag, from reader: inout WireReader) throws(WireError) {
        switch tag.field {
        case 1: figureIndex = try reader.uint32(tag)
        case 2: reason = try reader.string(tag)
        default: try reader.skipField(tag)
        }
    }
}

public struct TotalsResponse: WireMessage {
    public static let protoName = "tally.v1.TotalsResponse"
    /// `nil` when no figure answers the question; `candidates` then says what exists.
    public var total: Total?
    public var breakdown: [Total] = []
    public var figures: [Figure] = []
    public var candidates: [Candidate] = []
    public var datasetVersion: UInt64 = 0

    public init() {}

    public func encode(to writer: inout WireWriter) {
        writer.optionalMessage(1, total)
        writer.repeatedMessage(2, breakdown)
        writer.repeatedMessage(3, figures)
        writer.repeatedMessage(4, candidates)
        writer.uint64(5, datasetVersion)
    }

    public mutating func decodeField(_ tag: FieldTag, from reader: inout WireReader) throws(WireError) {
        switch tag.field {
        case 1: total = try reader.message(tag)
        case 2: try reader.append(try reader.message(tag), to: &breakdown)
        case 3: try reader.append(try reader.message(tag), to: &figures)
        case 4: try reader.append(try reader.message(tag), to: &candidates)
        case 5: datasetVersion = try reader.uint64(tag)
        default: try reader.skipField(tag)
        }
    }
}
