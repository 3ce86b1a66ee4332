/// Why bytes could not be decoded, and where: the message and field path, and the byte offset in the
/// buffer handed to the decoder. Every decoding failure in TallyCodec is one of these; nothing traps.
public struct WireError: Error, Equatable, Sendable {
    public enum Reason: Equatable, Sendable {
        /// The buffer ended inside a tag, varint, fixed-width value or length-delimited field.
        case truncated
        /// A varint longer than 10 bytes, or one whose 10th byte overflows 64 bits.
        case malformedVarint
        /// Field number 0 or above 2^29 - 1.
        case invalidFieldNumber(UInt64)
        /// Wire type 6 or 7, which do not exist, or a proto2 group (3, 4).
        case unsupportedWireType(UInt8)
        /// A known field arrived with a wire type its schema type cannot have.
        case wrongWireType(expected: WireType, actual: WireType)
        /// A length prefix that runs past the end of the enclosing message.
        case lengthOutOfBounds(UInt64)
        /// A `string` field whose bytes are not valid UTF-8 (proto3 requires it).
        case invalidUTF8
        /// A repeated field with more elements than `WireLimits.maxRepeatedCount`.
        case tooManyElements(limit: Int)
        /// A field number the schema does not define, in strict mode only (`WireLimits.rejectUnknownFields`).
        case unknownField
        /// A message handed to the decoder that is larger than `WireLimits.maxMessageSize`.
        case messageTooLarge(size: Int, limit: Int)
    }

    public var reason: Reason
    /// Byte offset of the failing item, from the start of the decoded buffer.
    public var offset: Int
    /// Where it failed, outermost first: `["tally.v1.Figure.citations(11)", "tally.v1.Citation.quote(5)"]`.
    /// Filled in as the error travels out of nested messages.
    public var path: [String]

    @inlinable
    public init(_ reason: Reason, offset: Int, path: [String] = []) {
        self.reason = reason
        self.offset = offset
        self.path = path
    }

    /// The same error, seen from the enclosing message's field.
    @usableFromInline
    func within(message: String, field: Int) -> WireError {
        var copy = self
        copy.path.insert("\(message).\(field)", at: 0)
        return copy
    }
}

extension WireError: CustomStringConvertible {
    public var description: String {
        let place = path.isEmpty ? "" : " in \(path.joined(separator: " > "))"
        return "\(reason)\(place) at byte \(offset)"
    }
}
