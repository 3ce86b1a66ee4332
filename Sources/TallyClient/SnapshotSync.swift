import Foundation
import TallyCodec
import TallyModel
import TallyStore

/// What a sync did.
public struct SyncReport: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// The local copy was already current.
        case upToDate
        /// Changes since the local version were applied.
        case delta
        /// The whole snapshot was downloaded (first sync, log too old, delta refused, copy corrupt).
        case full
    }

    public var kind: Kind
    public var fromVersion: UInt64?
    public var toVersion: UInt64
    /// Figures received (upserts for a delta, every figure for a full sync).
    public var figuresTransferred: Int
    public var retractions: Int
    /// Response body bytes received, as they came (compressed or not).
    public var bytesReceived: Int
    /// The previous local copy failed verification (or did not open) and was replaced.
    public var replacedCorruptCopy: Bool
    /// Why a full download happened where a delta was possible, for a note to the user.
    public var notes: [String] = []
}

/// Keeps the local copy current: a delta when the server still has the changes since the local
/// version, the whole snapshot otherwise. Both are applied in one transaction of the local
/// database and committed only when the result's hash is the server's digest: a delta that does
/// not match is rolled back and the whole dataset fetched instead, saying so.
public struct SnapshotSync: Sendable {
    public let client: TallyClient
    public let path: String
    /// Recompute the local copy's hash from its figures before syncing (O(dataset): a check for
    /// damage on disk, which the incremental hash of a delta cannot see).
    public var verifyLocalCopy = false
    /// Called with (figures received, figures expected) during a full download.
    public var progress: (@Sendable (Int, Int) -> Void)?
    /// Called once if another sync into the same copy is running: this one waits for it to end
    /// (`SyncLock`), then usually finds the copy up to date.
    public var waiting: (@Sendable () -> Void)?

    public init(client: TallyClient, path: String) {
        self.client = client
        self.path = path
    }

    public func sync() async throws -> SyncReport {
        // The directory first: the lock file lives in it, and the copy is made there.
        try LocalCopy.makeDirectory(for: path)
        let lock = try await SyncLock.acquire(besides: path, onWait: waiting)
        defer { withExtendedLifetime(lock) {} }
        var notes: [String] = []
        let legacy = DataDirectory.legacySnapshotPath(besides: path)
        if FileManager.default.fileExists(atPath: legacy) {
            notes.append("the local snapshot \(legacy) is in the first version's format: fetching the whole dataset into \(path)")
        }
        let (store, replacedCorrupt) = try await openLocalCopy()
        let local = try await store.state()
        if local.version > 0 && !replacedCorrupt {
            let (header, changes) = try await client.changes(since: local.version)
            if !header.snapshotRequired {
                if changes.isEmpty && header.digest == local.digest {
                    return SyncReport(kind: .upToDate, fromVersion: local.version, toVersion: header.toVersion,
                                      figuresTransferred: 0, retractions: 0, bytesReceived: 0, replacedCorruptCopy: false, notes: notes)
                }
                do {
                    return try await applyDelta(store, local, header, changes, notes: notes)
                } catch let refused as LocalCopyError {
                    notes.append("the changes since v\(local.version) did not give the server's dataset (\(refused)): fetching the whole dataset")
                }
            }
        }
        var report = try await fullDownload(into: store)
        report.fromVersion = local.version > 0 ? local.version : nil
        report.replacedCorruptCopy = replacedCorrupt
        report.notes = notes
        try? FileManager.default.removeItem(atPath: legacy)
        return report
    }

    /// The local copy, made when missing. One that is damaged (not a database, not a Tally copy,
    /// or, with `verifyLocalCopy`, a hash that does not match its figures) is moved aside and
    /// replaced by an empty one. A copy that cannot be opened *now* (busy, a failing or full disk,
    /// no permission) is not damaged: that is an error, and the copy is left where it is.
    private func openLocalCopy() async throws -> (SQLiteFigureStore, Bool) {
        do {
            let store = try SQLiteFigureStore.localCopy(path: path)
            if verifyLocalCopy { try await store.verify() }
            return (store, false)
        } catch let error as TallyClientError {
            throw error
        } catch where !StoreFailure.meansDamage(error) {
            throw StoreFailure.naming(error, path: path)
        } catch {
            for suffix in ["", "-wal", "-shm"] {
                try? FileManager.default.removeItem(atPath: path + ".corrupt" + suffix)
                try? FileManager.default.moveItem(atPath: path + suffix, toPath: path + ".corrupt" + suffix)
            }
            return (try SQLiteFigureStore.localCopy(path: path), true)
        }
    }

    private func applyDelta(_ store: SQLiteFigureStore, _ local: DatasetState, _ header: ChangesHeader, _ changes: [Change],
                            notes: [String]) async throws -> SyncReport {
        var stored: [StoredChange] = []
        var upserts = 0, retractions = 0, bytes = 0
        for change in changes {
            switch change.kind {
            case .upsert(let figure):
                stored.append(StoredChange(version: change.version, kind: .upsert(figure)))
                upserts += 1
                bytes += figure.wireBytes().count
            case .retracted(let id):
                stored.append(StoredChange(version: change.version, kind: .retracted(id: id)))
                retractions += 1
            case nil:
                throw TallyClientError.protocolError("change without an upsert or a retraction")
            }
        }
        _ = try await store.apply(stored, from: local.version, to: header.toVersion, expectedDigest: header.digest)
        return SyncReport(kind: .delta, fromVersion: local.version, toVersion: header.toVersion, figuresTransferred: upserts,
                          retractions: retractions, bytesReceived: bytes, replacedCorruptCopy: false, notes: notes)
    }

    /// Streams the snapshot into a new database beside the local copy (`LocalCopy.replace`), in
    /// batches, committed only if the count and the hash match the header's, then put in place.
    private func fullDownload(into store: SQLiteFigureStore) async throws -> SyncReport {
        let progress = self.progress
        var header: SnapshotHeader?
        var figures = 0
        var bytes = 0
        let state = try await LocalCopy.replace(store, at: path) { deliver in
            bytes = try await client.snapshot { envelope in
                guard let announced = header else {
                    let first = try TallyClient.decode(SnapshotHeader.self, envelope)
                    guard first.schemaVersion == DatasetSchema.current else {
                        throw TallyClientError.protocolError("the server sends dataset schema \(first.schemaVersion), this client reads \(DatasetSchema.current): upgrade tallyd")
                    }
                    header = first
                    return
                }
                let batch = try TallyClient.decode(FigureBatch.self, envelope)
                var page: [ReceivedFigure] = []
                page.reserveCapacity(batch.encodings.count)
                for encoding in batch.encodings {
                    do {
                        page.append(ReceivedFigure(figure: try Figure(wireBytes: encoding), encoding: encoding))
                    } catch {
                        throw TallyClientError.protocolError("undecodable figure in the snapshot: \(error)")
                    }
                }
                try await deliver(ReceivedPage(page))
                figures += page.count
                progress?(figures, Int(announced.figureCount))
            }
            guard let header else { throw TallyClientError.protocolError("snapshot without a header") }
            return SnapshotOutcome(version: header.datasetVersion, digest: header.digest, figureCount: Int(header.figureCount))
        }
        return SyncReport(kind: .full, fromVersion: nil, toVersion: state.version, figuresTransferred: figures,
                          retractions: 0, bytesReceived: bytes, replacedCorruptCopy: false)
    }
}
