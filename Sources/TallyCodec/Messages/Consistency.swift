public import TallyModel

public struct ConsistencyRequest: EmptyWireMessage {
    public static let protoName = "tally.v1.ConsistencyRequest"

    public init() {}
}

public enum FindingKind: WireEnum {
    case unspecified
    /// Parts (per article) that don't add up to their whole.
    case partsDoNotAddUp
    /// Different values for the same thing from different sources.
    case conflictingValues
    case unrecognized(Int32)

    @inlinable
    public init(wireValue: Int32) {
        switch wireValue {
        case 0: self = .unspecified
        case 1: self = .partsDoNotAddUp
        case 2: self = .conflictingValues
        default: self = .unrecognized(wireValue)
        }
    }

    @inlinable
    public var wireValue: Int32 {
        switch self {
        case .unspecified: 0
        case .partsDoNotAddUp: 1
        case .conflictingValues: 2
        case .unrecognized(let value): value
        }
    }
}

/// One finding per group of figures that disagree (one statement key, or one whole with its parts).
public struct Finding: WireMessage {
    public static let protoName = "tally.v1.Finding"
    public var kind = FindingKind.unspecified
    public var summary = ""
    public var figureIDs: [String] = []
    public var difference = Quantity()
    /// The distinct values the finding is about and which figures state each (added after the
    /// first release: older peers skip it and still have the summary and figure ids).
    public var statedValues: [StatedValue] = []

    public init() {}

    public func encode(to writer: inout WireWriter) {
        writer.enumValue(1, kind)
        writer.string(2, summary)
        writer.repeatedString(3, figureIDs)
        writer.messageUnlessEmpty(4, difference)
        writer.repeatedMessage(5, statedValues)
    }

    public mutating func decodeField(_ tag: FieldTag, from reader: inout WireReader) throws(WireError) {
        switch tag.field {
        case 1: kind = try reader.enumValue(tag)
        case 2: summary = try reader.string(tag)
        case 3: try reader.append(try reader.string(tag), to: &figureIDs)
        case 4: difference = try reader.message(tag)
        case 5: try reader.append(try reader.message(tag), to: &statedValues)
        default: try reader.skipField(tag)
        }
    }
}

/// A value stated in a finding's group, and the figures (by id) that state it.
public struct StatedValue: WireMessage {
    public static let protoName = "tally.v1.StatedValue"
    public var value = Quantity()
    public var figureIDs: [String] = []

    public init() {}

    public init(value: Quantity, figureIDs: [String]) {
        self.value = value
        self.figureIDs = figureIDs
    }

    public func encode(to writer: inout WireWriter) {
        writer.messageUnlessEmpty(1, value)
        writer.repeatedString(2, figureIDs)
    }

    public mutating func decodeField(_ tag: FieldTag, from reader: inout WireReader) throws(WireError) {
        switch tag.field {
        case 1: value = try reader.message(tag)
        case 2: try reader.append(try reader.string(tag), to: &figureIDs)
        default: try reader.skipField(tag)
        }
    }
}

public struct ConsistencyReport: WireMessage {
    public static let protoName = "tally.v1.ConsistencyReport"
    public var findings: [Finding] = []
    public var datasetVersion: UInt64 = 0

    public init() {}

    public func encode(to writer: inout WireWriter) {
        writer.repeatedMessage(1, findings)
        writer.uint64(2, datasetVersion)
    }

    public mutating func decodeField(_ tag: FieldTag, from reader: inout WireReader) throws(WireError) {
        switch tag.field {
        case 1: try reader.append(try reader.message(tag), to: &findings)
        case 2: datasetVersion = try reader.uint64(tag)
        default: try reader.skipField(tag)
        }
    }
}
