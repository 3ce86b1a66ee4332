import Foundation
public import TallyStore

/// The dataset on the laptop: a SQLite database at `path`, the same store code as the server's.
/// A sync applies a delta in one transaction, or builds the whole in a file beside it (`replace`),
/// each made the copy only when its hash matches the server's digest, so no interruption (a cut
/// connection, `kill -9`, a full disk) leaves anything but the previous version.
public enum LocalCopy {
    /// The copy at `path` for answering offline; `noLocalSnapshot` when there is none yet, or only
    /// one in the first version's format (a sync replaces it).
    public static func open(path: String) throws(TallyClientError) -> SQLiteFigureStore {
        guard FileManager.default.fileExists(atPath: path) else { throw .noLocalSnapshot(path: path) }
        do {
            return try SQLiteFigureStore.localCopy(path: path)
        } catch {
            throw .corruptSnapshot("\(path): \(error)")
        }
    }

    /// The copy at `path` for syncing into, made when missing (its directory too). Throws the
    /// database's own error when the file is there but is not a usable copy.
    static func openForSync(path: String) throws -> SQLiteFigureStore {
        try makeDirectory(for: path)
        return try SQLiteFigureStore.localCopy(path: path)
    }

    /// The directory the copy at `path` lives in, made when missing.
    static func makeDirectory(for path: String) throws {
        do {
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        } catch {
            throw TallyClientError.badArguments("cannot make the data directory for \(path): \(error)")
        }
    }

    /// Replaces the copy at `path` (open as `current`, which this closes) with a snapshot built in
    /// a new file beside it (`SQLiteFigureStore.building`): the old copy is untouched until the new
    /// one is whole, verified and on the disk, then one rename swaps them. A failure, a full disk
    /// or `kill -9` leaves the old copy and, at worst, a partial download file that the next sync
    /// removes. Needs room for both copies while it runs.
    ///
    /// The file is this process's own (`.download-PID`): two syncs at once each build and verify
    /// their own copy and the later rename wins, where with one shared name the second removed
    /// the first's file and the first could rename the second's unfinished one into place.
    static func replace(_ current: SQLiteFigureStore, at path: String,
                        receive: (_ deliver: @escaping @Sendable (ReceivedPage) async throws -> Void) async throws -> SnapshotOutcome) async throws -> DatasetState {
        removeAbandonedDownloads(besides: path)
        let building = "\(path)\(downloadSuffix)\(getpid())"
        let fresh = try SQLiteFigureStore.building(at: building)
        do {
            let state = try await fresh.replaceAll(receive: receive)
            try fresh.finishBuilding()
            try current.close()
            try SQLiteFigureStore.moveBuilt(building, to: path)
            return state
        } catch {
            try? fresh.close()
            SQLiteFigureStore.removeDatabaseFiles(at: building)
            throw error
        }
    }

    static let downloadSuffix = ".download-"

    /// Download files beside `path` whose process is gone (killed mid-sync).
    static func removeAbandonedDownloads(besides path: String) {
        let directory = (path as NSString).deletingLastPathComponent
        let prefix = (path as NSString).lastPathComponent + downloadSuffix
        for name in (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [] where name.hasPrefix(prefix) {
            let rest = name.dropFirst(prefix.count)
            guard let pid = Int32(rest.prefix { $0.isNumber }), pid != getpid(), kill(pid, 0) != 0, errno == ESRCH else { continue }
            try? FileManager.default.removeItem(atPath: (directory as NSString).appendingPathComponent(name))
        }
    }
}
