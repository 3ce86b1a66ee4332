/// The protobuf wire types Tally's schema uses. Groups (3 and 4) are proto2-only and rejected.
public enum WireType: UInt8, Sendable {
    case varint = 0
    case fixed64 = 1
    case lengthDelimited = 2
    case fixed32 = 5
}

/// A decoded field key: field number and wire type.
public struct FieldTag: Sendable, Equatable {
    public var field: Int
    public var wireType: WireType

    @inlinable
    public init(field: Int, wireType: WireType) {
        self.field = field
        self.wireType = wireType
    }

    /// Largest field number protobuf allows (2^29 - 1).
    public static let maxFieldNumber = (1 << 29) - 1
}
