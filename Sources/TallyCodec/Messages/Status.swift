/// The outcome of a call, in the Connect/gRPC code family. PROTOCOL.md gives each code's cause and
/// its HTTP status.
public enum StatusCode: WireEnum {
    case ok, canceled, unknown, invalidArgument, deadlineExceeded, notFound, alreadyExists
    case permissionDenied, resourceExhausted, failedPrecondition, aborted, outOfRange
    case unimplemented, `internal`, unavailable, dataLoss, unauthenticated
    case unrecognized(Int32)

    /// Codes in schema order; the index is the wire value.
    public static let known: [StatusCode] = [
        .ok, .canceled, .unknown, .invalidArgument, .deadlineExceeded, .notFound, .alreadyExists,
        .permissionDenied, .resourceExhausted, .failedPrecondition, .aborted, .outOfRange,
        .unimplemented, .internal, .unavailable, .dataLoss, .unauthenticated,
    ]

    @inlinable
    public init(wireValue: Int32) {
        if wireValue >= 0 && wireValue < Int32(StatusCode.known.count) {
            self = StatusCode.known[Int(wireValue)]
        } else {
            self = .unrecognized(wireValue)
        }
    }

    @inlinable
    public var wireValue: Int32 {
        if case .unrecognized(let value) = self { return value }
        return Int32(StatusCode.known.firstIndex(of: self)!)
    }
}

/// One invalid field of a request: which, and what was wrong with it.
public struct FieldViolation: WireMessage {
    public static let protoName = "tally.v1.FieldViolation"
    /// Path of the field, e.g. `figures[3].period.end_day`.
    public var field = ""
    public var description = ""

    public init() {}

    public init(field: String, description: String) {
        self.field = field
        self.description = description
    }

    public func encode(to writer: inout WireWriter) {
        writer.string(1, field)
        writer.string(2, description)
    }

    public mutating func decodeField(_ tag: FieldTag, from reader: inout WireReader) throws(WireError) {
        switch tag.field {
        case 1: field = try reader.string(tag)
        case 2: description = try reader.string(tag)
        default: try reader.skipField(tag)
        }
    }
}

/// Payload of the end-of-stream envelope (flag 0x02) that closes every response stream.
public struct Status: WireMessage, Error {
    public static let protoName = "tally.v1.Status"
    public var code = StatusCode.ok
    public var message = ""
    public var violations: [FieldViolation] = []
    /// For retryable codes: how long the client should wait before retrying; 0: no advice.
    public var retryAfterMilliseconds: UInt32 = 0

    public init() {}

    public init(code: StatusCode, message: String = "", violations: [FieldViolation] = [], retryAfterMilliseconds: UInt32 = 0) {
        self.code = code
        self.message = message
        self.violations = violations
        self.retryAfterMilliseconds = retryAfterMilliseconds
    }

    public static let ok = Status(code: .ok)

    public func encode(to writer: inout WireWriter) {
        writer.enumValue(1, code)
        writer.string(2, message)
        writer.repeatedMessage(3, violations)
        writer.uint32(4, retryAfterMilliseconds)
    }

    public mutating func decodeField(_ tag: FieldTag, from reader: inout WireReader) throws(WireError) {
        switch tag.field {
        case 1: code = try reader.enumValue(tag)
        case 2: message = try reader.string(tag)
        case 3: try reader.append(try reader.message(tag), to: &violations)
        case 4: retryAfterMilliseconds = try reader.uint32(tag)
        default: try reader.skipField(tag)
        }
    }
}
