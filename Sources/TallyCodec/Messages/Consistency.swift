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

public struct Finding: WireMessage {
    public static let protoName = "tally.v1.Finding"
    public var kind = FindingKind.unspecified
    public var summary = ""
    public var figureIDs: [String] = []
    public var difference = Quantity()

    public init() {}

    public func encode(to writer: inout WireWriter) {
        writer.enumValue(1, kind)
        writer.string(2, summary)
        writer.repeatedString(3, figureIDs)
        writer.messageUnlessEmpty(4, difference)
    }

    public mutating func decodeField(_ tag: FieldTag, from reader: inout WireReader) throws(WireError) {
        switch tag.field {
        case 1: kind = try reader.enumValue(tag)
        case 2: summary = try reader.string(tag)
        case 3: try reader.append(try reader.string(tag), to: &figureIDs)
        case 4: difference = try reader.message(tag)
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
