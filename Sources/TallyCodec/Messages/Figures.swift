public import TallyModel

/// A page of figures matching filters; every filter left at its default matches everything.
public struct FiguresRequest: WireMessage {
    public static let protoName = "tally.v1.FiguresRequest"
    public var jurisdiction = ""
    public var measure = ""
    public var articles: [String] = []
    public var overlapping: Period?
    public var category = Category.unspecified
    public var producer = ""
    public var limit: UInt32 = 0
    public var pageToken = ""

    public init() {}

    public func encode(to writer: inout WireWriter) {
        writer.string(1, jurisdiction)
        writer.string(2, measure)
        writer.repeatedString(3, articles)
        writer.optionalMessage(4, overlapping)
        writer.enumValue(5, category)
        writer.string(6, producer)
        writer.uint32(7, limit)
        writer.string(8, pageToken)
    }

    public mutating func decodeField(_ tag: FieldTag, from reader: inout WireReader) throws(WireError) {
        switch tag.field {
        case 1: jurisdiction = try reader.string(tag)
        case 2: measure = try reader.string(tag)
        case 3: try reader.append(try reader.string(tag), to: &articles)
        case 4: overlapping = try reader.message(tag)
        case 5: category = try reader.enumValue(tag)
        case 6: producer = try reader.string(tag)
        case 7: limit = try reader.uint32(tag)
        case 8: pageToken = try reader.string(tag)
        default: try reader.skipField(tag)
        }
    }
}

public struct FiguresResponse: WireMessage {
    public static let protoName = "tally.v1.FiguresResponse"
    public var figures: [Figure] = []
    /// Empty on the last page.
    public var nextPageToken = ""
    public var datasetVersion: UInt64 = 0

    public init() {}

    public func encode(to writer: inout WireWriter) {
        writer.repeatedMessage(1, figures)
        writer.string(2, nextPageToken)
        writer.uint64(3, datasetVersion)
    }

    public mutating func decodeField(_ tag: FieldTag, from reader: inout WireReader) throws(WireError) {
        switch tag.field {
        case 1: try reader.append(try reader.message(tag), to: &figures)
        case 2: nextPageToken = try reader.string(tag)
        case 3: datasetVersion = try reader.uint64(tag)
        default: try reader.skipField(tag)
        }
    }
}
