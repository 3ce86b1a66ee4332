public struct HealthRequest: EmptyWireMessage {
    public static let protoName = "tally.v1.HealthRequest"

    public init() {}
}

public enum ServingStatus: WireEnum {
    case unspecified, serving, notServing, draining
    case unrecognized(Int32)

    @inlinable
    public init(wireValue: Int32) {
        switch wireValue {
        case 0: self = .unspecified
        case 1: self = .serving
        case 2: self = .notServing
        case 3: self = .draining
        default: self = .unrecognized(wireValue)
        }
    }

    @inlinable
    public var wireValue: Int32 {
        switch self {
        case .unspecified: 0
        case .serving: 1
        case .notServing: 2
        case .draining: 3
        case .unrecognized(let value): value
        }
    }
}

public struct HealthResponse: WireMessage {
    public static let protoName = "tally.v1.HealthResponse"
    public var status = ServingStatus.unspecified
    public var datasetVersion: UInt64 = 0
    public var digest: [UInt8] = []
    public var serverVersion = ""
    public var uptimeSeconds: Double = 0

    public init() {}

    public func encode(to writer: inout WireWriter) {
        writer.enumValue(1, status)
        writer.uint64(2, datasetVersion)
        writer.bytes(3, digest)
        writer.string(4, serverVersion)
        writer.double(5, uptimeSeconds)
    }

    public mutating func decodeField(_ tag: FieldTag, from reader: inout WireReader) throws(WireError) {
        switch tag.field {
        case 1: status = try reader.enumValue(tag)
        case 2: datasetVersion = try reader.uint64(tag)
        case 3: digest = try reader.bytes(tag)
        case 4: serverVersion = try reader.string(tag)
        case 5: uptimeSeconds = try reader.double(tag)
        default: try reader.skipField(tag)
        }
    }
}
