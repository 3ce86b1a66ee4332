/// A request with no fields (`SourcesRequest`, `HealthRequest`, ...). Kept as distinct messages in
/// the schema so each call can grow parameters later without a new route.
public protocol EmptyWireMessage: WireMessage {}

extension EmptyWireMessage {
    @inlinable
    public func encode(to writer: inout WireWriter) {}

    @inlinable
    public mutating func decodeField(_ tag: FieldTag, from reader: inout WireReader) throws(WireError) {
        try reader.skipField(tag)
    }
}
