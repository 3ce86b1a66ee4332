public import TallyCodec
public import TallyModel

/// The durable dataset, behind which sit SQLite (`SQLiteFigureStore`: the embedded default, and the
/// laptop's local copy) and, for replicas, a shared database server. Every method is `async` and
/// does its work on the store's own threads: no caller's thread, an event loop least of all, waits
/// on a disk, a lock or a network.
///
/// What every implementation promises, and the shared store tests check:
/// - a publish is one transaction, all or nothing, and makes exactly the next version; concurrent
///   publishes serialize;
/// - the stored hash always matches the stored figures: it is updated in the same transaction, in
///   O(changes), from the old and new encodings of what changed;
/// - reads see one version: a snapshot reader sees the dataset as it was when it was opened, page
///   after page, whatever is published meanwhile.
public protocol FigureStore: Sendable {
    /// The current version, checksum and hash state.
    func state() async throws -> DatasetState

    /// Validates the whole batch, then writes it as the next version; returns what it changed.
    func publish(_ batch: PublishBatch) async throws -> PublishResult

    /// What a client at `version` must apply to reach the current one: `snapshotRequired` when the
    /// change log does not reach back to `version`, or when more than `limit` figures changed since
    /// (a full download is then cheaper, and the feed, which is held whole, stays bounded).
    func changes(since version: UInt64, limit: Int) async throws -> ChangeFeed

    /// Forgets changes older than the last `versions` versions.
    func pruneChangeLog(keepingVersions versions: UInt64) async throws

    /// A reader of the current version: everything it answers comes from that version, however
    /// long it is kept and whatever is published meanwhile (where the database allows it: a SQLite
    /// file is read through a snapshot; see the implementation).
    func reader() async throws -> any DatasetReader

    /// Checks that the stored hash matches the stored figures, and the storage's own integrity.
    func verify() async throws
}

extension FigureStore {
    /// Changes since `version`, at most `ChangeFeed.defaultLimit` of them.
    public func changes(since version: UInt64) async throws -> ChangeFeed {
        try await changes(since: version, limit: ChangeFeed.defaultLimit)
    }
}

/// One version of the dataset, for reading: pages of the whole (the snapshot call streams them)
/// and the queries the answers need, each selecting and grouping in the database, so its memory is
/// bounded by its answer rather than the dataset.
public protocol DatasetReader: Sendable {
    /// The version read, and how many figures it has.
    var state: DatasetState { get }
    var figureCount: Int { get }

    /// Up to `limit` figures after `after` (all from the first when nil), as stored, in id order.
    func page(after: String?, limit: Int) async throws -> [StoredFigure]

    /// One page of the figures a query matches, in id order.
    func figures(_ query: FigureQuery) async throws -> [Figure]

    /// The figures with these ids that this version has, in id order (absent ids are skipped).
    func figures(ids: [String]) async throws -> [Figure]

    /// Every figure of these jurisdictions (the totals engine's pool); `StoreError.tooMany` past `limit`.
    func figures(jurisdictions: Set<String>, limit: Int) async throws -> [Figure]

    /// Per producer: its outlets, how many figures cite it, the first and last publication day.
    func producerSummaries() async throws -> [ProducerSummary]

    /// The consistency groups that could hold a finding (a statement made more than once; a whole
    /// with at least two parts). Their figures are read with `figures(in:)`, a slice at a time.
    func consistencyCandidates() async throws -> [ConsistencyGroup]

    /// Every figure of each of these groups.
    func figures(in groups: Set<ConsistencyGroup>) async throws -> [ConsistencyGroup: [Figure]]
}

/// A figure as stored: its id and the canonical encoding the hash covers and a snapshot streams.
public struct StoredFigure: Sendable, Equatable {
    public var id: String
    public var encoding: [UInt8]

    public init(id: String, encoding: [UInt8]) {
        self.id = id
        self.encoding = encoding
    }
}

/// A Figures call's filter and page, as the store applies it.
public struct FigureQuery: Sendable, Equatable {
    public var jurisdiction: String?
    public var measure: String?
    /// The exact set of articles (an empty set: figures for all articles together).
    public var articles: Set<String>?
    public var overlapping: Period?
    public var category: Category?
    public var producer: String?
    /// Figures with an id after this one (UTF-8 byte order).
    public var after: String?
    public var limit: Int

    public init(jurisdiction: String? = nil, measure: String? = nil, articles: Set<String>? = nil, overlapping: Period? = nil,
                category: Category? = nil, producer: String? = nil, after: String? = nil, limit: Int) {
        self.jurisdiction = jurisdiction
        self.measure = measure
        self.articles = articles
        self.overlapping = overlapping
        self.category = category
        self.producer = producer
        self.after = after
        self.limit = limit
    }
}

/// How one producer is cited across the dataset.
public struct ProducerSummary: Sendable, Equatable {
    public var producer: String
    /// Every outlet that reported one of its figures, sorted.
    public var outlets: [String]
    /// Figures citing it (once each, however many citations they have).
    public var figureCount: Int
    public var firstPublished: Day?
    public var lastPublished: Day?

    public init(producer: String, outlets: [String], figureCount: Int, firstPublished: Day?, lastPublished: Day?) {
        self.producer = producer
        self.outlets = outlets
        self.figureCount = figureCount
        self.firstPublished = firstPublished
        self.lastPublished = lastPublished
    }
}

/// The version and digest of the dataset at one moment.
public struct DatasetState: Sendable, Hashable {
    public var version: UInt64
    /// The incremental multiset hash of the figures (Proto/PROTOCOL.md, "Dataset version and digest").
    public var hash: DatasetHash

    public init(version: UInt64, hash: DatasetHash) {
        self.version = version
        self.hash = hash
    }

    /// The 32-byte checksum of `hash`: what the wire calls `digest` and users compare.
    public var digest: [UInt8] { hash.checksum }

    /// Lower-case hex of the digest.
    public var digestHex: String { hash.checksumHex }
}

public enum StoreError: Error, Sendable, Equatable, CustomStringConvertible {
    case notInitialised
    /// A stored figure no longer decodes: the file was damaged outside Tally.
    case corruptFigure(id: String, reason: String)
    /// The stored hash does not match the stored figures (`data_loss`).
    case digestMismatch(version: UInt64)
    /// More figures than a caller's limit (an answer that would not fit in memory).
    case tooMany(Int, limit: Int)
    /// The database server cannot be reached or refused the operation for a reason that may pass
    /// (`unavailable`: retry later); what failed, in words.
    case unavailable(String)

    public var description: String {
        switch self {
        case .notInitialised: "the database holds no dataset"
        case .corruptFigure(let id, let reason): "stored figure '\(id)' does not decode: \(reason)"
        case .digestMismatch(let version): "the stored hash of version \(version) does not match the stored figures"
        case .tooMany(let count, let limit): "\(count) figures, more than the limit of \(limit)"
        case .unavailable(let reason): "the database is unavailable: \(reason)"
        }
    }
}
