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
    /// or `kill -9` leaves the old copy and, at worst, a partial `.download` file, which the next
    /// sync's `building` removes first. Needs room for both copies while it runs. One name is
    /// enough: syncs into a copy take turns (`SyncLock`), so no other process builds beside it.
    static func replace(_ current: SQLiteFigureStore, at path: String,
                        receive: (_ deliver: @escaping @Sendable (ReceivedPage) async throws -> Void) async throws -> SnapshotOutcome) async throws -> DatasetState {
        let building = path + ".download"
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
}
