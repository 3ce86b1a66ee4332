/// Appends protobuf-encoded fields to a growable byte buffer.
///
/// The field methods follow proto3: a scalar equal to its default is not written, and fields are
/// written in the order the caller asks, which for every Tally message is field-number order, so the
/// output is byte for byte what other protobuf encoders produce for the same values.
///
/// Nested messages are written in one pass: one length byte is reserved, the message is written, and
/// the rare body of 128 bytes or more is moved up to make room for a longer length. That avoids the
/// size-computing pass most protobuf encoders make over every nested message.
///
/// Noncopyable because it owns its memory; it is not a general-purpose buffer and does no framing.
public struct WireWriter: ~Copyable {
    @usableFromInline var base: UnsafeMutablePointer<UInt8>
    @usableFromInline var capacity: Int
    @usableFromInline var count: Int

    public init(capacity: Int = 256) {
        self.capacity = max(capacity, 16)
        self.base = .allocate(capacity: self.capacity)
        self.count = 0
    }

    deinit { base.deallocate() }

    /// Number of bytes written so far.
    public var byteCount: Int { count }

    /// The written bytes as an array.
    public consuming func finish() -> [UInt8] {
        [UInt8](UnsafeBufferPointer(start: base, count: count))
    }

    /// Forgets what was written, keeping the allocation for the next message.
    public mutating func removeAll() { count = 0 }

    /// Calls `body` with the bytes written so far, without copying them.
    public func withBytes<R, E: Error>(_ body: (UnsafeRawBufferPointer) throws(E) -> R) throws(E) -> R {
        try body(UnsafeRawBufferPointer(start: base, count: count))
    }

    // MARK: - Memory

    @inlinable @inline(__always)
    mutating func reserve(_ extra: Int) {
        if _slowPath(count &+ extra > capacity) { grow(to: count + extra) }
    }

    @usableFromInline
    mutating func grow(to minimum: Int) {
        var newCapacity = capacity * 2
        while newCapacity < minimum { newCapacity *= 2 }
        let newBase = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        newBase.update(from: base, count: count)
        base.deallocate()
        base = newBase
        capacity = newCapacity
    }

    // MARK: - Raw values

    @inlinable @inline(__always)
    public mutating func writeVarint(_ value: UInt64) {
        reserve(10)
        var v = value
        var p = base + count
        while v >= 0x80 {
            p.pointee = UInt8(truncatingIfNeeded: v) | 0x80
            p += 1
            v &>>= 7
        }
        p.pointee = UInt8(truncatingIfNeeded: v)
        count = p - base + 1
    }

    @inlinable @inline(__always)
    public mutating func writeTag(_ field: Int, _ wireType: WireType) {
        let key = UInt64(truncatingIfNeeded: field) &<< 3 | UInt64(wireType.rawValue)
        if key < 0x80 {
            reserve(1)
            base[count] = UInt8(truncatingIfNeeded: key)
            count &+= 1
        } else {
            writeVarint(key)
        }
    }

    @inlinable
    public mutating func writeRawBytes(_ bytes: UnsafeRawBufferPointer) {
        guard let source = bytes.baseAddress, bytes.count > 0 else { return }
        reserve(bytes.count)
        UnsafeMutableRawPointer(base + count).copyMemory(from: source, byteCount: bytes.count)
        count &+= bytes.count
    }

    @inlinable
    public mutating func writeFixed64(_ value: UInt64) {
        reserve(8)
        UnsafeMutableRawPointer(base + count).storeBytes(of: value.littleEndian, as: UInt64.self)
        count &+= 8
    }

    @inlinable
    public mutating func writeFixed32(_ value: UInt32) {
        reserve(4)
        UnsafeMutableRawPointer(base + count).storeBytes(of: value.littleEndian, as: UInt32.self)
        count &+= 4
    }

    @inlinable
    static func varintSize(_ value: UInt64) -> Int {
        // 1 byte per started group of 7 bits; 0 takes one byte.
        let bits = 64 - (value | 1).leadingZeroBitCount
        return (bits + 6) / 7
    }

    // MARK: - Length-delimited bodies written in place

    /// Reserves a one-byte length; returns where the body starts.
    @inlinable @inline(__always)
    mutating func beginLengthDelimited(_ field: Int) -> Int {
        writeTag(field, .lengthDelimited)
        reserve(1)
        count &+= 1
        return count
    }

    /// Writes the length of the body that began at `start`, moving the body if it needs more than one byte.
    @inlinable @inline(__always)
    mutating func endLengthDelimited(startingAt start: Int) {
        let length = count - start
        if length < 0x80 {
            base[start - 1] = UInt8(truncatingIfNeeded: length)
        } else {
            moveBodyForLongLength(start: start, length: length)
        }
    }

    @usableFromInline
    mutating func moveBodyForLongLength(start: Int, length: Int) {
        let extra = WireWriter.varintSize(UInt64(length)) - 1
        reserve(extra)
        (base + start + extra).update(from: base + start, count: length)
        var v = UInt64(length)
        var p = base + start - 1
        while v >= 0x80 {
            p.pointee = UInt8(truncatingIfNeeded: v) | 0x80
            p += 1
            v &>>= 7
        }
        p.pointee = UInt8(truncatingIfNeeded: v)
        count &+= extra
    }
}

// MARK: - Fields (proto3: defaults are omitted)

extension WireWriter {
    @inlinable
    public mutating func uint64(_ field: Int, _ value: UInt64) {
        guard value != 0 else { return }
        writeTag(field, .varint)
        writeVarint(value)
    }

    @inlinable
    public mutating func uint32(_ field: Int, _ value: UInt32) {
        uint64(field, UInt64(value))
    }

    /// `int32` and enums: negative values are sign-extended to ten bytes, as protobuf requires.
    @inlinable
    public mutating func int32(_ field: Int, _ value: Int32) {
        guard value != 0 else { return }
        writeTag(field, .varint)
        writeVarint(UInt64(bitPattern: Int64(value)))
    }

    @inlinable
    public mutating func sint32(_ field: Int, _ value: Int32) {
        guard value != 0 else { return }
        writeTag(field, .varint)
        writeVarint(UInt64(UInt32(bitPattern: (value &<< 1) ^ (value >> 31))))
    }

    @inlinable
    public mutating func sint64(_ field: Int, _ value: Int64) {
        guard value != 0 else { return }
        writeTag(field, .varint)
        writeVarint(UInt64(bitPattern: (value &<< 1) ^ (value >> 63)))
    }

    @inlinable
    public mutating func bool(_ field: Int, _ value: Bool) {
        guard value else { return }
        writeTag(field, .varint)
        reserve(1)
        base[count] = 1
        count &+= 1
    }

    /// Written unless its bit pattern is all zeros (so -0.0 is written), as protobuf encoders do.
    @inlinable
    public mutating func double(_ field: Int, _ value: Double) {
        guard value.bitPattern != 0 else { return }
        writeTag(field, .fixed64)
        writeFixed64(value.bitPattern)
    }

    @inlinable
    public mutating func enumValue<E: WireEnum>(_ field: Int, _ value: E) {
        int32(field, value.wireValue)
    }

    @inlinable
    public mutating func string(_ field: Int, _ value: String) {
        guard !value.isEmpty else { return }
        writeString(field, value)
    }

    /// Writes a string field even when empty: for elements of repeated fields.
    @inlinable
    public mutating func writeString(_ field: Int, _ value: String) {
        writeTag(field, .lengthDelimited)
        let written: Void? = value.utf8.withContiguousStorageIfAvailable { utf8 in
            writeVarint(UInt64(utf8.count))
            writeRawBytes(UnsafeRawBufferPointer(utf8))
        }
        if written == nil {
            let bytes = Array(value.utf8)
            writeVarint(UInt64(bytes.count))
            bytes.withUnsafeBytes { writeRawBytes($0) }
        }
    }

    /// A length-delimited field written even when empty: an embedded message given as its bytes
    /// (an empty message is still an element of a repeated field).
    @inlinable
    public mutating func lengthDelimited(_ field: Int, _ value: [UInt8]) {
        writeTag(field, .lengthDelimited)
        writeVarint(UInt64(value.count))
        value.withUnsafeBytes { writeRawBytes($0) }
    }

    @inlinable
    public mutating func bytes(_ field: Int, _ value: [UInt8]) {
        guard !value.isEmpty else { return }
        writeTag(field, .lengthDelimited)
        writeVarint(UInt64(value.count))
        value.withUnsafeBytes { writeRawBytes($0) }
    }

    @inlinable
    public mutating func repeatedString(_ field: Int, _ values: [String]) {
        for value in values { writeString(field, value) }
    }

    /// Packed encoding, the proto3 default for repeated scalars.
    @inlinable
    public mutating func packedUInt32(_ field: Int, _ values: [UInt32]) {
        guard !values.isEmpty else { return }
        let start = beginLengthDelimited(field)
        for value in values { writeVarint(UInt64(value)) }
        endLengthDelimited(startingAt: start)
    }

    /// A nested message, always written (for optional fields the caller checks presence).
    @inlinable
    public mutating func message<M: WireMessage>(_ field: Int, _ value: M) {
        let start = beginLengthDelimited(field)
        value.encode(to: &self)
        endLengthDelimited(startingAt: start)
    }

    /// A nested message that has no presence of its own: not written when it equals its zero value.
    @inlinable
    public mutating func messageUnlessEmpty<M: WireMessage>(_ field: Int, _ value: M) {
        let start = beginLengthDelimited(field)
        value.encode(to: &self)
        if count == start {
            count = start - 1 - WireWriter.varintSize(UInt64(field) << 3)
        } else {
            endLengthDelimited(startingAt: start)
        }
    }

    @inlinable
    public mutating func optionalMessage<M: WireMessage>(_ field: Int, _ value: M?) {
        if let value { message(field, value) }
    }

    @inlinable
    public mutating func repeatedMessage<M: WireMessage>(_ field: Int, _ values: [M]) {
        for value in values { message(field, value) }
    }
}
