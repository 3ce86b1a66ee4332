public import TallyModel

extension Figure: WireMessage {
    public static let protoName = "tally.v1.Figure"

    public init() { self.init(id: "") }

    @inlinable
    public func encode(to writer: inout WireWriter) {
        writer.string(1, id)
        writer.uint64(2, revision)
        writer.enumValue(3, category)
        writer.string(4, jurisdiction)
        writer.string(5, measure)
        writer.repeatedString(6, articles)
        writer.messageUnlessEmpty(7, period)
        writer.enumValue(8, kind)
        writer.enumValue(9, rateUnit)
        writer.messageUnlessEmpty(10, value)
        writer.repeatedMessage(11, citations)
        writer.string(12, note)
    }

    @inlinable
    public mutating func decodeField(_ tag: FieldTag, from reader: inout WireReader) throws(WireError) {
        switch tag.field {
        case 1: id = try reader.string(tag)
        case 2: revision = try reader.uint64(tag)
        case 3: category = try reader.enumValue(tag)
        case 4: jurisdiction = try reader.string(tag)
        case 5: measure = try reader.string(tag)
        case 6: try reader.append(try reader.string(tag), to: &articles)
        case 7: period = try reader.message(tag)
        case 8: kind = try reader.enumValue(tag)
        case 9: rateUnit = try reader.enumValue(tag)
        case 10: value = try reader.message(tag)
        case 11: try reader.append(try reader.message(tag), to: &citations)
        case 12: note = try reader.string(tag)
        default: try reader.skipField(tag)
        }
    }
}

extension Period: WireMessage {
    public static let protoName = "tally.v1.Period"

    public init() { self = .unset }

    @inlinable
    public func encode(to writer: inout WireWriter) {
        writer.sint32(1, start.daysSinceEpoch)
        writer.sint32(2, end.daysSinceEpoch)
    }

    @inlinable
    public mutating func decodeField(_ tag: FieldTag, from reader: inout WireReader) throws(WireError) {
        switch tag.field {
        case 1: start = Day(daysSinceEpoch: try reader.sint32(tag))
        case 2: end = Day(daysSinceEpoch: try reader.sint32(tag))
        default: try reader.skipField(tag)
        }
    }
}

extension Quantity: WireMessage {
    public static let protoName = "tally.v1.Quantity"

    public init() { self.init(qualifier: .unspecified) }

    @inlinable
    public func encode(to writer: inout WireWriter) {
        writer.enumValue(1, qualifier)
        writer.sint64(2, low)
        writer.sint64(3, high)
    }

    @inlinable
    public mutating func decodeField(_ tag: FieldTag, from reader: inout WireReader) throws(WireError) {
        switch tag.field {
        case 1: qualifier = try reader.enumValue(tag)
        case 2: low = try reader.sint64(tag)
        case 3: high = try reader.sint64(tag)
        default: try reader.skipField(tag)
        }
    }
}

extension Citation: WireMessage {
    public static let protoName = "tally.v1.Citation"

    public init() { self.init(producer: "") }

    @inlinable
    public func encode(to writer: inout WireWriter) {
        writer.string(1, producer)
        writer.string(2, outlet)
        writer.sint32(3, published?.daysSinceEpoch ?? 0)
        writer.string(4, document)
        writer.string(5, quote)
        writer.string(6, url)
    }

    @inlinable
    public mutating func decodeField(_ tag: FieldTag, from reader: inout WireReader) throws(WireError) {
        switch tag.field {
        case 1: producer = try reader.string(tag)
        case 2: outlet = try reader.string(tag)
        case 3:
            let day = try reader.sint32(tag)
            published = day == 0 ? nil : Day(daysSinceEpoch: day)
        case 4: document = try reader.string(tag)
        case 5: quote = try reader.string(tag)
        case 6: url = try reader.string(tag)
        default: try reader.skipField(tag)
        }
    }
}
