public import TallyModel

public struct SnapshotRequest: EmptyWireMessage {
    public static let protoName = "tally.v1.SnapshotRequest"

    public init() {}
}

/// First message of a snapshot stream and of a snapshot file.
public struct SnapshotHeader: WireMessage {
    public static let protoName = "tally.v1.SnapshotHeader"
    public var schemaVersion: UInt32 = 0
    public var datasetVersion: UInt64 = 0
    /// SHA-256 over the canonical encoding of the figures (PROTOCOL.md, "Digest").
    public var digest: [UInt8] = []
    public var figureCount: UInt64 = 0

    public init() {}

    public func encode(to writer: inout WireWriter) {
        writer.uint32(1, schemaVersion)
        writer.uint64(2, datasetVersion)
        writer.bytes(3, digest)
        writer.uint64(4, figureCount)
    }

    public mutating func decodeField(_ tag: FieldTag, from reader: inout WireReader) throws(WireError) {
        switch tag.field {
        case 1: schemaVersion = try reader.uint32(tag)
        case 2: datasetVersion = try reader.uint64(tag)
        case 3: digest = try reader.bytes(tag)
        case 4: figureCount = try reader.uint64(tag)
        default: try reader.skipField(tag)
        }
    }
}

public struct ChangesRequest: WireMessage {
    public static let protoName = "tally.v1.ChangesRequest"
    public var sinceVersion: UInt64 = 0

    public init() {}

    public init(sinceVersion: UInt64) { self.sinceVersion = sinceVersion }

    public func encode(to writer: inout WireWriter) {
        writer.uint64(1, sinceVersion)
    }

    public mutating func decodeField(_ tag: FieldTag, from reader: inout WireReader) throws(WireError) {
        switch tag.field {
        case 1: sinceVersion = try reader.uint64(tag)
        default: try reader.skipField(tag)
        }
    }
}

/// First message of a changes stream.
public struct ChangesHeader: WireMessage {
    public static let protoName = "tally.v1.ChangesHeader"
    public var fromVersion: UInt64 = 0
    public var toVersion: UInt64 = 0
    public var digest: [UInt8] = []
    /// The requested version is older than the change log the server keeps: fetch the full snapshot.
    public var snapshotRequired = false
    public var changeCount: UInt64 = 0

    public init() {}

    public func encode(to writer: inout WireWriter) {
        writer.uint64(1, fromVersion)
        writer.uint64(2, toVersion)
        writer.bytes(3, digest)
        writer.bool(4, snapshotRequired)
        writer.uint64(5, changeCount)
    }

    public mutating func decodeField(_ tag: FieldTag, from reader: inout WireReader) throws(WireError) {
        switch tag.field {
        case 1: fromVersion = try reader.uint64(tag)
        case 2: toVersion = try reader.uint64(tag)
        case 3: digest = try reader.bytes(tag)
        case 4: snapshotRequired = try reader.bool(tag)
        case 5: changeCount = try reader.uint64(tag)
        default: try reader.skipField(tag)
        }
    }
}

/// One entry of the change log: a figure written, or a figure retracted.
public struct Change: WireMessage {
    public enum Kind: Sendable, Equatable {
        case upsert(Figure)
        /// Tombstone: the id of the retracted figure.
        case retracted(id: String)
    }

    public static let protoName = "tally.v1.Change"
    public var version: UInt64 = 0
    /// `nil` only in a message whose oneof was not set (a malformed or future change).
    public var kind: Kind?

    public init() {}

    public init(version: UInt64, kind: Kind) {
        self.version = version
        self.kind = kind
    }

    public func encode(to writer: inout WireWriter) {
        writer.uint64(1, version)
        switch kind {
        case .upsert(let figure): writer.message(2, figure)
        case .retracted(let id): writer.writeString(3, id)
        case nil: break
        }
    }

    public mutating func decodeField(_ tag: FieldTag, from reader: inout WireReader) throws(WireError) {
        switch tag.field {
        case 1: version = try reader.uint64(tag)
        case 2: kind = .upsert(try reader.message(tag))
        case 3: kind = .retracted(id: try reader.string(tag))
        default: try reader.skipField(tag)
        }
    }
}
