/// Reads protobuf fields from a borrowed buffer, checking every length and value against the bounds
/// of the enclosing message.
///
/// A reader is a view: it points into memory the caller keeps alive for the duration of the decode
/// (see `WireMessage.init(wireBytes:limits:)`). Offsets in errors are from the start of the outermost
/// buffer, so a failure deep in a nested message still names the byte.
public struct WireReader {
    @usableFromInline let base: UnsafeRawPointer
    @usableFromInline var position: Int
    @usableFromInline let end: Int
    @usableFromInline let limits: WireLimits

    @inlinable
    init(base: UnsafeRawPointer, position: Int, end: Int, limits: WireLimits) {
        self.base = base
        self.position = position
        self.end = end
        self.limits = limits
    }

    /// A reader over `buffer`, which must outlive the reader.
    @inlinable
    public init(_ buffer: UnsafeRawBufferPointer, limits: WireLimits = .default) {
        // An empty buffer may have no base address; any non-null pointer serves, nothing is read.
        self.init(base: buffer.baseAddress ?? UnsafeRawPointer(bitPattern: 0x1)!, position: 0, end: buffer.count, limits: limits)
    }

    public var isAtEnd: Bool { position >= end }

    @inlinable
    func error(_ reason: WireError.Reason, at offset: Int? = nil) -> WireError {
        WireError(reason, offset: offset ?? position)
    }

    // MARK: - Raw values

    @inlinable @inline(__always)
    public mutating func readVarint() throws(WireError) -> UInt64 {
        guard _fastPath(position < end) else { throw error(.truncated) }
        let first = base.load(fromByteOffset: position, as: UInt8.self)
        if _fastPath(first < 0x80) {
            position &+= 1
            return UInt64(first)
        }
        return try readLongVarint()
    }

    @usableFromInline
    mutating func readLongVarint() throws(WireError) -> UInt64 {
        let start = position
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard position < end else { throw error(.truncated, at: start) }
            let byte = base.load(fromByteOffset: position, as: UInt8.self)
            position += 1
            if shift == 63 && byte > 1 { throw error(.malformedVarint, at: start) }
            result |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { return result }
            shift += 7
            if shift > 63 { throw error(.malformedVarint, at: start) }
        }
    }

    @inlinable
    mutating func readFixed64() throws(WireError) -> UInt64 {
        guard end - position >= 8 else { throw error(.truncated) }
        let value = base.loadUnaligned(fromByteOffset: position, as: UInt64.self)
        position &+= 8
        return UInt64(littleEndian: value)
    }

    @inlinable
    mutating func readFixed32() throws(WireError) -> UInt32 {
        guard end - position >= 4 else { throw error(.truncated) }
        let value = base.loadUnaligned(fromByteOffset: position, as: UInt32.self)
        position &+= 4
        return UInt32(littleEndian: value)
    }

    /// Reads a length prefix and checks that the body fits in the enclosing message.
    @inlinable @inline(__always)
    mutating func readLength() throws(WireError) -> Int {
        let lengthAt = position
        let length = try readVarint()
        guard length <= UInt64(end - position) else { throw error(.lengthOutOfBounds(length), at: lengthAt) }
        return Int(truncatingIfNeeded: length)
    }

    // MARK: - Tags

    /// The next field's tag, or `nil` at the end of the message.
    @inlinable @inline(__always)
    public mutating func nextTag() throws(WireError) -> FieldTag? {
        guard position < end else { return nil }
        let tagAt = position
        let key = try readVarint()
        let field = key >> 3
        guard field != 0, field <= UInt64(FieldTag.maxFieldNumber) else {
            throw error(.invalidFieldNumber(field), at: tagAt)
        }
        guard let wireType = WireType(rawValue: UInt8(truncatingIfNeeded: key & 7)) else {
            throw error(.unsupportedWireType(UInt8(truncatingIfNeeded: key & 7)), at: tagAt)
        }
        return FieldTag(field: Int(truncatingIfNeeded: field), wireType: wireType)
    }

    @inlinable @inline(__always)
    func expect(_ tag: FieldTag, _ wireType: WireType) throws(WireError) {
        guard _fastPath(tag.wireType == wireType) else {
            throw error(.wrongWireType(expected: wireType, actual: tag.wireType))
        }
    }

    /// Skips a field the schema does not define (or rejects it, under `WireLimits.rejectUnknownFields`).
    public mutating func skipField(_ tag: FieldTag) throws(WireError) {
        if limits.rejectUnknownFields { throw error(.unknownField) }
        switch tag.wireType {
        case .varint: _ = try readVarint()
        case .fixed64: _ = try readFixed64()
        case .fixed32: _ = try readFixed32()
        case .lengthDelimited: position += try readLength()
        }
    }

    // MARK: - Typed fields

    @inlinable
    public mutating func uint64(_ tag: FieldTag) throws(WireError) -> UInt64 {
        try expect(tag, .varint)
        return try readVarint()
    }

    /// `uint32`: the low 32 bits, as protobuf decoders do.
    @inlinable
    public mutating func uint32(_ tag: FieldTag) throws(WireError) -> UInt32 {
        UInt32(truncatingIfNeeded: try uint64(tag))
    }

    @inlinable
    public mutating func int32(_ tag: FieldTag) throws(WireError) -> Int32 {
        Int32(truncatingIfNeeded: try uint64(tag))
    }

    @inlinable
    public mutating func sint32(_ tag: FieldTag) throws(WireError) -> Int32 {
        let raw = UInt32(truncatingIfNeeded: try uint64(tag))
        return Int32(bitPattern: (raw >> 1) ^ (0 &- (raw & 1)))
    }

    @inlinable
    public mutating func sint64(_ tag: FieldTag) throws(WireError) -> Int64 {
        let raw = try uint64(tag)
        return Int64(bitPattern: (raw >> 1) ^ (0 &- (raw & 1)))
    }

    @inlinable
    public mutating func bool(_ tag: FieldTag) throws(WireError) -> Bool {
        try uint64(tag) != 0
    }

    @inlinable
    public mutating func double(_ tag: FieldTag) throws(WireError) -> Double {
        try expect(tag, .fixed64)
        return Double(bitPattern: try readFixed64())
    }

    @inlinable
    public mutating func enumValue<E: WireEnum>(_ tag: FieldTag, as type: E.Type = E.self) throws(WireError) -> E {
        E(wireValue: try int32(tag))
    }

    @inlinable
    public mutating func string(_ tag: FieldTag) throws(WireError) -> String {
        try expect(tag, .lengthDelimited)
        let length = try readLength()
        let start = position
        position &+= length
        if length == 0 { return "" }
        let bytes = UnsafeBufferPointer(start: (base + start).assumingMemoryBound(to: UInt8.self), count: length)
        guard UTF8Validation.isValid(bytes) else { throw error(.invalidUTF8, at: start) }
        return String(decoding: bytes, as: UTF8.self)
    }

    @inlinable
    public mutating func bytes(_ tag: FieldTag) throws(WireError) -> [UInt8] {
        try expect(tag, .lengthDelimited)
        let length = try readLength()
        let start = position
        position &+= length
        return [UInt8](UnsafeRawBufferPointer(start: base + start, count: length))
    }

    @inlinable
    public mutating func message<M: WireMessage>(_ tag: FieldTag, as type: M.Type = M.self) throws(WireError) -> M {
        try expect(tag, .lengthDelimited)
        let length = try readLength()
        var nested = WireReader(base: base, position: position, end: position &+ length, limits: limits)
        position &+= length
        return try M(reading: &nested)
    }

    /// Appends to a repeated field, enforcing `WireLimits.maxRepeatedCount`.
    @inlinable @inline(__always)
    public func append<T>(_ element: T, to array: inout [T]) throws(WireError) {
        guard _fastPath(array.count < limits.maxRepeatedCount) else {
            throw error(.tooManyElements(limit: limits.maxRepeatedCount))
        }
        array.append(element)
    }

    /// A repeated `uint32`, packed or not: decoders must accept both.
    @inlinable
    public mutating func appendUInt32(_ tag: FieldTag, to array: inout [UInt32]) throws(WireError) {
        if tag.wireType == .lengthDelimited {
            let length = try readLength()
            var packed = WireReader(base: base, position: position, end: position &+ length, limits: limits)
            position &+= length
            while !packed.isAtEnd {
                try append(UInt32(truncatingIfNeeded: try packed.readVarint()), to: &array)
            }
        } else {
            try append(try uint32(tag), to: &array)
        }
    }
}
