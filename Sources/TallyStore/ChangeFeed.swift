public import TallyModel

/// What a client at some version must apply to reach the current one.
public enum ChangeFeed: Sendable, Equatable {
    /// The client's version is older than the change log reaches (or newer than the store, after a
    /// reset): it must fetch the full snapshot.
    case snapshotRequired(DatasetState)
    /// The latest change of every figure changed since the client's version, in version order.
    case changes(since: UInt64, state: DatasetState, [StoredChange])

    /// Most figures a delta carries (PROTOCOL.md, "Snapshot and changes"): past it, a full download.
    public static let defaultLimit = 50_000
}

public struct StoredChange: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case upsert(Figure)
        case retracted(id: String)
    }

    public var version: UInt64
    public var kind: Kind

    public init(version: UInt64, kind: Kind) {
        self.version = version
        self.kind = kind
    }

    public var isRetraction: Bool {
        if case .retracted = kind { true } else { false }
    }

    public var figureID: String {
        switch kind {
        case .upsert(let figure): figure.id
        case .retracted(let id): id
        }
    }
}
