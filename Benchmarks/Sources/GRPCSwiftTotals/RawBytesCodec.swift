import GRPCCore

/// Hands a message's bytes to gRPC as they are. The benchmark serves a payload that tallyd encoded,
/// so no protobuf runtime is involved on either side: what is measured is grpc-swift-2 itself.
struct RawBytesSerializer: MessageSerializer {
    func serialize<Bytes: GRPCContiguousBytes>(_ message: [UInt8]) throws -> Bytes {
        Bytes(message)
    }
}

/// Copies a request message's bytes out of the transport's buffer; nothing is decoded.
struct RawBytesDeserializer: MessageDeserializer {
    func deserialize<Bytes: GRPCContiguousBytes>(_ serializedMessageBytes: Bytes) throws -> [UInt8] {
        serializedMessageBytes.withUnsafeBytes { Array($0) }
    }
}
