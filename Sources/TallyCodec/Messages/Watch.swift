public struct WatchRequest: WireMessage {
    public static let protoName = "tally.v1.WatchRequest"
    public var sinceVersion: UInt64 = 0

    public init() {}

    public init(sinceVersion: UInt64) { self.sinceVersion = sinceVersion }

    public func encode(to writer: inout WireWriter) {
        writer.uint64(1, sinceVersion)
    }

    public mutating func decodeField(_ tag: FieldTag, from reader: inout WireReader) throws(WireError) {
        switch tag.field {
        case 1: sinceVersion = try reader.uint64(tag)
        default: try reader.skipField(tag)
        }
    }
}

/// Sent on an idle watch stream so proxies and clients can tell a quiet stream from a dead one.
public struct Heartbeat: WireMessage {
    public static let protoName = "tally.v1.Heartbeat"
    public var datasetVersion: UInt64 = 0

    public init() {}

    public init(datasetVersion: UInt64) { self.datasetVersion = datasetVersion }

    public func encode(to writer: inout WireWriter) {
        writer.uint64(1, datasetVersion)
    }

    public mutating func decodeField(_ tag: FieldTag, from reader: inout WireReader) throws(WireError) {
        switch tag.field {
        case 1: datasetVersion = try reader.uint64(tag)
        default: try reader.skipField(tag)
        }
    }
}

public struct WatchEvent: WireMessage {
    public enum Event: Sendable, Equatable {
        case change(Change)
        case heartbeat(Heartbeat)
    }

    public static let protoName = "tally.v1.WatchEvent"
    public var event: Event?

    public init() {}

    public init(_ event: Event) { self.event = event }

    public func encode(to writer: inout WireWriter) {
        switch event {
        case .change(let change): writer.message(1, change)
        case .heartbeat(let heartbeat): writer.message(2, heartbeat)
        case nil: break
        }
    }

    public mutating func decodeField(_ tag: FieldTag, from reader: inout WireReader) throws(WireError) {
        switch tag.field {
        case 1: event = .change(try reader.message(tag))
        case 2: event = .heartbeat(try reader.message(tag))
        default: try reader.skipField(tag)
        }
    }
}
