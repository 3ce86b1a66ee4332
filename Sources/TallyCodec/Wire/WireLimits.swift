/// Bounds on what a decoder accepts from the network. Everything that grows with input is bounded.
public struct WireLimits: Sendable, Equatable {
    /// Largest message the decoder takes at all, in bytes.
    public var maxMessageSize: Int
    /// Most elements of any one repeated field. Bounds memory: an empty element costs 2 bytes on the
    /// wire but a whole struct in memory.
    public var maxRepeatedCount: Int
    /// Reject fields the schema does not define instead of skipping them. Off in production (newer
    /// peers may add fields); on in the interop tests, to prove every field a peer sends is known.
    public var rejectUnknownFields: Bool

    public init(maxMessageSize: Int = 4 << 20, maxRepeatedCount: Int = 200_000, rejectUnknownFields: Bool = false) {
        self.maxMessageSize = maxMessageSize
        self.maxRepeatedCount = maxRepeatedCount
        self.rejectUnknownFields = rejectUnknownFields
    }

    public static let `default` = WireLimits()
    public static let strict = WireLimits(rejectUnknownFields: true)
}
