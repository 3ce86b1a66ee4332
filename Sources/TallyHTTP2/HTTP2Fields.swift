/// A received header block, kept as the bytes nghttp2 handed over: one allocation for the whole
/// block instead of a string per name and value. Requests answered from a cache never turn a
/// header into a `String`; `fields` and the subscript make strings for the calls that need them.
///
/// Layout: per field, the name's and the value's length (UInt32, native order), then the name and
/// the value. Lookups are linear: header blocks are a handful of fields.
public struct HTTP2Fields: Sendable, Equatable, CustomStringConvertible {
    @usableFromInline var storage: [UInt8] = []
    public private(set) var count = 0
    /// The block's size as RFC 9113 §6.5.2 counts it (name + value + 32 per field).
    public private(set) var listSize = 0

    public init() {}

    public init(_ fields: [HTTP2HeaderField]) {
        for field in fields {
            Array(field.name.utf8).withUnsafeBufferPointer { name in
                Array(field.value.utf8).withUnsafeBufferPointer { value in append(name: name, value: value) }
            }
        }
    }

    mutating func append(name: UnsafeBufferPointer<UInt8>, value: UnsafeBufferPointer<UInt8>) {
        if storage.isEmpty { storage.reserveCapacity(512) }
        Self.appendLength(name.count, to: &storage)
        Self.appendLength(value.count, to: &storage)
        storage.append(contentsOf: name)
        storage.append(contentsOf: value)
        count += 1
        listSize += name.count + value.count + 32
    }

    /// Forgets the fields but keeps counting their size (a block over the limit is dropped as it
    /// arrives, and refused once complete).
    mutating func dropFields(counting size: Int) {
        storage.removeAll()
        count = 0
        listSize += size
    }

    private static func appendLength(_ length: Int, to storage: inout [UInt8]) {
        withUnsafeBytes(of: UInt32(truncatingIfNeeded: length)) { storage.append(contentsOf: $0) }
    }

    /// Calls `body` with each field's name and value bytes until it returns false. Inlinable, like
    /// the lookups below: they run for every request on the event loop, and a generic left
    /// unspecialised across modules costs a runtime metadata lookup per call.
    @inlinable
    public func forEach(_ body: (UnsafeRawBufferPointer, UnsafeRawBufferPointer) -> Bool) {
        storage.withUnsafeBytes { bytes in
            var offset = 0
            while offset < bytes.count {
                let nameLength = Int(bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
                let valueLength = Int(bytes.loadUnaligned(fromByteOffset: offset + 4, as: UInt32.self))
                let nameStart = offset + 8
                let valueStart = nameStart + nameLength
                offset = valueStart + valueLength
                let name = UnsafeRawBufferPointer(rebasing: bytes[nameStart..<valueStart])
                let value = UnsafeRawBufferPointer(rebasing: bytes[valueStart..<offset])
                if !body(name, value) { return }
            }
        }
    }

    /// The first value of the field `name` (lower case, as HTTP/2 sends names) as bytes, or nil.
    @inlinable
    public func withValue<R>(_ name: StaticString, _ body: (UnsafeRawBufferPointer?) -> R) -> R {
        let wanted = UnsafeRawBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount)
        var result: R?
        forEach { fieldName, value in
            guard fieldName.elementsEqual(wanted) else { return true }
            result = body(value)
            return false
        }
        return result ?? body(nil)
    }

    /// Whether the field `name` is present with exactly `value`.
    @inlinable
    public func contains(_ name: StaticString, _ value: StaticString) -> Bool {
        withValue(name) { bytes in
            guard let bytes else { return false }
            return bytes.elementsEqual(UnsafeRawBufferPointer(start: value.utf8Start, count: value.utf8CodeUnitCount))
        }
    }

    /// The first value of a field, by exact (lower-case) name.
    public subscript(name: String) -> String? {
        let wanted = Array(name.utf8)
        var result: String?
        forEach { fieldName, value in
            guard fieldName.elementsEqual(wanted) else { return true }
            result = String(decoding: value, as: UTF8.self)
            return false
        }
        return result
    }

    /// Every value of a field, in order.
    public func values(named name: String) -> [String] {
        let wanted = Array(name.utf8)
        var values: [String] = []
        forEach { fieldName, value in
            if fieldName.elementsEqual(wanted) { values.append(String(decoding: value, as: UTF8.self)) }
            return true
        }
        return values
    }

    /// The fields as strings, in order.
    public var fields: [HTTP2HeaderField] {
        var fields: [HTTP2HeaderField] = []
        fields.reserveCapacity(count)
        forEach { name, value in
            fields.append(HTTP2HeaderField(String(decoding: name, as: UTF8.self), String(decoding: value, as: UTF8.self)))
            return true
        }
        return fields
    }

    public var description: String { fields.description }
}
