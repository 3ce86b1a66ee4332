public import TallyModel

/// The dataset schema a client and a server speak for snapshots and changes (Proto/PROTOCOL.md,
/// "Snapshots and changes"). 2: figures in batches, the LtHash16 digest. A server refuses any other
/// with `failed_precondition`; a client refuses a header that names another.
public enum DatasetSchema {
    public static let current: UInt32 = 2
}

public struct SnapshotRequest: WireMessage {
    public static let protoName = "tally.v1.SnapshotRequest"
    /// 0 from clients older than schema 2 (the field did not exist).
    public var schemaVersion: UInt32 = 0

    public init() {}

    public init(schemaVersion: UInt32) { self.schemaVersion = schemaVersion }

    public func encode(to writer: inout WireWriter) {
        writer.uint32(1, schemaVersion)
    }

    public mutating func decodeField(_ tag: FieldTag, from reader: inout WireReader) throws(WireError) {
        switch tag.field {
        case 1: schemaVersion = try reader.uint32(tag)
        default: try reader.skipField(tag)
        }
    }
}

/// Figures of a snapshot, many to a message, so that per-message compression has enough to work
/// with. On the wire, `repeated Figure figures = 1`; here each figure is kept as its encoding,
/// which is what a client hashes and stores, and what a server sends without re-encoding.
public struct FigureBatch: WireMessage {
    public static let protoName = "tally.v1.FigureBatch"
    public var encodings: [[UInt8]] = []

    public init() {}

    public init(encodings: [[UInt8]]) { self.encodings = encodings }

    public func encode(to writer: inout WireWriter) {
        for encoding in encodings {
            // An embedded message is its bytes, length-delimited: written as they are.
            writer.lengthDelimited(1, encoding)
        }
    }

    public mutating func decodeField(_ tag: FieldTag, from reader: inout WireReader) throws(WireError) {
        switch tag.field {
        case 1: try reader.append(try reader.bytes(tag), to: &encodings)
        default: try reader.skipField(tag)
        }
    }
}

/// First message of a snapshot stream and of a snapshot file.
public struct SnapshotHeader: WireMessage {
    public static let protoName = "tally.v1.SnapshotHeader"
    public var schemaVersion: UInt32 = 0
    public var datasetVersion: UInt64 = 0
    /// The checksum of the figures' LtHash16 (PROTOCOL.md, "Dataset version and digest").
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
    /// 0 from clients older than schema 2.
    public var schemaVersion: UInt32 = 0

    public init() {}

    public init(sinceVersion: UInt64, schemaVersion: UInt32 = DatasetSchema.current) {
        self.sinceVersion = sinceVersion
        self.schemaVersion = schemaVersion
    }

    public func encode(to writer: inout WireWriter) {
        writer.uint64(1, sinceVersion)
        writer.uint32(2, schemaVersion)
    }

    public mutating func decodeField(_ tag: FieldTag, from reader: inout WireReader) throws(WireError) {
        switch tag.field {
        case 1: sinceVersion = try reader.uint64(tag)
        case 2: schemaVersion = try reader.uint32(tag)
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
    /// 0 from servers older than schema 2.
    public var schemaVersion: UInt32 = 0

    public init() {}

    public func encode(to writer: inout WireWriter) {
        writer.uint64(1, fromVersion)
        writer.uint64(2, toVersion)
        writer.bytes(3, digest)
        writer.bool(4, snapshotRequired)
        writer.uint64(5, changeCount)
        writer.uint32(6, schemaVersion)
    }

    public mutating func decodeField(_ tag: FieldTag, from reader: inout WireReader) throws(WireError) {
        switch tag.field {
        case 1: fromVersion = try reader.uint64(tag)
        case 2: toVersion = try reader.uint64(tag)
        case 3: digest = try reader.bytes(tag)
        case 4: snapshotRequired = try reader.bool(tag)
        case 5: changeCount = try reader.uint64(tag)
        case 6: schemaVersion = try reader.uint32(tag)
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
