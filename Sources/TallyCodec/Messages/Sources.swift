public import TallyModel

public struct SourcesRequest: EmptyWireMessage {
    public static let protoName = "tally.v1.SourcesRequest"

    public init() {}
}

/// What one producer contributed to the dataset.
public struct SourceSummary: WireMessage {
    public static let protoName = "tally.v1.SourceSummary"
    public var producer = ""
    public var outlets: [String] = []
    public var figureCount: UInt32 = 0
    public var firstPublished = Day(daysSinceEpoch: 0)
    public var lastPublished = Day(daysSinceEpoch: 0)

    public init() {}

    public func encode(to writer: inout WireWriter) {
        writer.string(1, producer)
        writer.repeatedString(2, outlets)
        writer.uint32(3, figureCount)
        writer.sint32(4, firstPublished.daysSinceEpoch)
        writer.sint32(5, lastPublished.daysSinceEpoch)
    }

    public mutating func decodeField(_ tag: FieldTag, from reader: inout WireReader) throws(WireError) {
        switch tag.field {
        case 1: producer = try reader.string(tag)
        case 2: try reader.append(try reader.string(tag), to: &outlets)
        case 3: figureCount = try reader.uint32(tag)
        case 4: firstPublished = Day(daysSinceEpoch: try reader.sint32(tag))
        case 5: lastPublished = Day(daysSinceEpoch: try reader.sint32(tag))
        default: try reader.skipField(tag)
        }
    }
}

public struct SourcesResponse: WireMessage {
    public static let protoName = "tally.v1.SourcesResponse"
    public var sources: [SourceSummary] = []
    public var datasetVersion: UInt64 = 0

    public init() {}

    public func encode(to writer: inout WireWriter) {
        writer.repeatedMessage(1, sources)
        writer.uint64(2, datasetVersion)
    }

    public mutating func decodeField(_ tag: FieldTag, from reader: inout WireReader) throws(WireError) {
        switch tag.field {
        case 1: try reader.append(try reader.message(tag), to: &sources)
        case 2: datasetVersion = try reader.uint64(tag)
        default: try reader.skipField(tag)
        }
    }
}
