public import TallyModel

/// One all-or-nothing batch of upserts and retractions.
public struct PublishRequest: WireMessage {
    public static let protoName = "tally.v1.PublishRequest"
    public var figures: [Figure] = []
    public var retractIDs: [String] = []
    /// 0: publish whatever the current version; otherwise fail unless it is the current version.
    public var expectedVersion: UInt64 = 0
    public var comment = ""

    public init() {}

    public func encode(to writer: inout WireWriter) {
        writer.repeatedMessage(1, figures)
        writer.repeatedString(2, retractIDs)
        writer.uint64(3, expectedVersion)
        writer.string(4, comment)
    }

    public mutating func decodeField(_ tag: FieldTag, from reader: inout WireReader) throws(WireError) {
        switch tag.field {
        case 1: try reader.append(try reader.message(tag), to: &figures)
        case 2: try reader.append(try reader.string(tag), to: &retractIDs)
        case 3: expectedVersion = try reader.uint64(tag)
        case 4: comment = try reader.string(tag)
        default: try reader.skipField(tag)
        }
    }
}

public struct PublishResponse: WireMessage {
    public static let protoName = "tally.v1.PublishResponse"
    public var datasetVersion: UInt64 = 0
    public var digest: [UInt8] = []
    public var upserted: UInt32 = 0
    public var retracted: UInt32 = 0

    public init() {}

    public func encode(to writer: inout WireWriter) {
        writer.uint64(1, datasetVersion)
        writer.bytes(2, digest)
        writer.uint32(3, upserted)
        writer.uint32(4, retracted)
    }

    public mutating func decodeField(_ tag: FieldTag, from reader: inout WireReader) throws(WireError) {
        switch tag.field {
        case 1: datasetVersion = try reader.uint64(tag)
        case 2: digest = try reader.bytes(tag)
        case 3: upserted = try reader.uint32(tag)
        case 4: retracted = try reader.uint32(tag)
        default: try reader.skipField(tag)
        }
    }
}
