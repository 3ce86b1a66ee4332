/// A message of `Proto/tally.proto`, with a hand-written encoder and decoder.
///
/// Rules every conforming type follows (Proto/PROTOCOL.md, "Payload encoding"):
/// - fields are written in field-number order, scalars equal to their default are omitted;
/// - unknown fields are skipped and dropped, so re-encoding yields the canonical bytes that digests
///   are computed over (strict mode rejects them instead);
/// - a nested data message without presence of its own (`Figure.period`) is omitted when it equals
///   its zero value, and an absent one decodes to that zero value;
/// - the last occurrence of a non-repeated field wins; repeated fields append.
public protocol WireMessage: Sendable, Equatable {
    /// Fully qualified protobuf name, e.g. `tally.v1.Figure`.
    static var protoName: String { get }

    /// The message with every field at its default.
    init()

    func encode(to writer: inout WireWriter)

    /// Decodes one field into `self`; unknown fields are passed to `reader.skipField`.
    mutating func decodeField(_ tag: FieldTag, from reader: inout WireReader) throws(WireError)
}

extension WireMessage {
    /// Decodes a whole message from `reader`, annotating errors with this message's field.
    @inlinable
    public init(reading reader: inout WireReader) throws(WireError) {
        self.init()
        while let tag = try reader.nextTag() {
            do {
                try decodeField(tag, from: &reader)
            } catch {
                throw error.within(message: Self.protoName, field: tag.field)
            }
        }
    }

    /// Decodes a message from bytes.
    @inlinable
    public init(wireBytes buffer: UnsafeRawBufferPointer, limits: WireLimits = .default) throws(WireError) {
        guard buffer.count <= limits.maxMessageSize else {
            throw WireError(.messageTooLarge(size: buffer.count, limit: limits.maxMessageSize), offset: 0)
        }
        var reader = WireReader(buffer, limits: limits)
        try self.init(reading: &reader)
    }

    /// Decodes a message from bytes.
    @inlinable
    public init(wireBytes bytes: [UInt8], limits: WireLimits = .default) throws(WireError) {
        let result: Result<Self, WireError> = bytes.withUnsafeBytes { buffer in
            Result { () throws(WireError) -> Self in try Self(wireBytes: buffer, limits: limits) }
        }
        self = try result.get()
    }

    /// The message's protobuf encoding.
    @inlinable
    public func wireBytes() -> [UInt8] {
        var writer = WireWriter()
        encode(to: &writer)
        return writer.finish()
    }
}

/// A protobuf enum: open, so values this build does not know survive a round trip.
public protocol WireEnum: Sendable, Hashable {
    init(wireValue: Int32)
    var wireValue: Int32 { get }
}
