public import Logging
import TallyCodec
import TallyModel
public import TallyStore

/// A replica's view of a shared database: the database (`primary`) is where publishes go and
/// where the truth is; a local SQLite mirror of it is what the replica reads. Reads therefore need
/// nothing but the local disk, so a replica keeps answering, from the last version it pulled,
/// while the database is away, and read throughput does not load the database.
///
/// The mirror moves only by `pull`: the primary's changes since the mirror's version applied in
/// one transaction and checked against the primary's digest (as the laptop's copy is), or, when
/// the primary has no delta for it, a full copy streamed page by page. Its change log records what
/// it applied, so Changes and Watch are answered locally too, and from the primary only for
/// versions older than the mirror's log reaches (a replica that started after them).
public final class MirroredFigureStore: SharedFigureStore {
    let primary: any SharedFigureStore
    let mirror: SQLiteFigureStore
    private let logger: Logger
    private let pulling = AsyncLock()

    /// Opens the mirror at `mirrorPath` (made when missing) and pulls it up to the primary.
    public init(primary: any SharedFigureStore, mirrorPath: String, logger: Logger) async throws {
        self.primary = primary
        self.mirror = try SQLiteFigureStore.localCopy(path: mirrorPath)
        self.logger = logger
        try await pull()
    }

    /// Brings the mirror to the primary's current version; returns the mirror's state.
    @discardableResult
    public func pull() async throws -> DatasetState {
        try await pulling.withLock {
            let local = try await mirror.state()
            if local.version > 0, case .changes(_, let state, let changes) = try await primary.changes(since: local.version) {
                guard state.version != local.version else { return local }
                do {
                    return try await mirror.apply(changes, from: local.version, to: state.version, expectedDigest: state.digest,
                                                  recordingChanges: true)
                } catch let refused as LocalCopyError {
                    logger.warning("the database's changes did not give its digest; copying it whole", metadata: ["error": "\(refused)"])
                }
            }
            return try await copyWhole()
        }
    }

    /// Replaces the mirror with the primary's current version, read page by page.
    private func copyWhole() async throws -> DatasetState {
        let reader = try await primary.reader()
        return try await mirror.replaceAll { deliver in
            var after: String?
            while let page = Optional(try await reader.page(after: after, limit: 2_000)), let last = page.last {
                after = last.id
                try await deliver(ReceivedPage(try page.map { ReceivedFigure(figure: try Figure(wireBytes: $0.encoding), encoding: $0.encoding) }))
            }
            return SnapshotOutcome(version: reader.state.version, digest: reader.state.digest, figureCount: reader.figureCount)
        }
    }

    public func state() async throws -> DatasetState { try await mirror.state() }

    /// Publishes to the primary, then pulls (a failed pull is left to the follower's next signal:
    /// the publish itself succeeded).
    public func publish(_ batch: PublishBatch) async throws -> PublishResult {
        let result = try await primary.publish(batch)
        do {
            try await pull()
        } catch {
            logger.warning("published, but could not pull the new version yet", metadata: ["version": "\(result.state.version)", "error": "\(error)"])
        }
        return result
    }

    public func changes(since version: UInt64, limit: Int) async throws -> ChangeFeed {
        let local = try await mirror.changes(since: version, limit: limit)
        guard case .snapshotRequired(let state) = local, version < state.version else { return local }
        // Older than the mirror's log: the primary may still have those changes (up to its own
        // current version, which may be newer than the mirror's: a client applies them whole).
        return (try? await primary.changes(since: version, limit: limit)) ?? local
    }

    public func pruneChangeLog(keepingVersions versions: UInt64) async throws {
        try await mirror.pruneChangeLog(keepingVersions: versions)
        try await primary.pruneChangeLog(keepingVersions: versions)
    }

    public func reader() async throws -> any DatasetReader { try await mirror.reader() }

    public func verify() async throws {
        try await mirror.verify()
        try await primary.verify()
    }

    public func commits(checkingEvery interval: Duration) -> AsyncStream<CommitSignal> {
        primary.commits(checkingEvery: interval)
    }
}
