import Foundation
import Logging
import TallyDataset
import TallyPostgres
import TallyServer
import TallyStore

/// The store tallyd serves, chosen by what `--database` names: a SQLite file (the embedded
/// default, verified before anything is served) or a `postgres://` URL shared by replicas, read
/// through a local SQLite mirror (`MirroredFigureStore`). Every reason not to start is a
/// `StartFailure` with its message and exit status.
enum ServedStore {
    case file(SQLiteFigureStore)
    case replica(MirroredFigureStore, database: PostgresFigureStore, temporaryMirror: URL?)

    var store: any FigureStore {
        switch self {
        case .file(let store): store
        case .replica(let mirrored, _, _): mirrored
        }
    }

    static func open(_ configuration: ServerConfiguration, logger: Logger) async throws(StartFailure) -> ServedStore {
        guard PostgresSettings.isPostgresURL(configuration.databasePath) else {
            if configuration.databasePasswordFile != nil {
                throw StartFailure(64, "--database-password-file is for a postgres:// database; \(configuration.databasePath) is a SQLite file")
            }
            do {
                return .file(try SQLiteFigureStore.openVerified(path: configuration.databasePath))
            } catch let failure as StoreFailure {
                // Nothing is served from a store that could not be verified.
                throw StartFailure(failure.exitCode, "\(failure)")
            } catch {
                throw StartFailure(70, "database \(configuration.databasePath): \(error)")
            }
        }
        let settings: PostgresSettings
        do {
            settings = try PostgresSettings(url: configuration.databasePath, passwordFile: configuration.databasePasswordFile)
        } catch {
            throw StartFailure(64, "--database: \(error)")
        }
        let database: PostgresFigureStore
        do {
            database = try await PostgresFigureStore.connect(settings: settings, seed: try EmbeddedDataset.load(), logger: logger)
        } catch let error as PostgresConnectError {
            throw StartFailure(error.exitCode, "database \(settings.redactedURL): \(error)")
        } catch {
            throw StartFailure(69, "database \(settings.redactedURL): \(error)")
        }
        var temporaryMirror: URL?
        let mirrorPath: String
        if let path = configuration.mirrorPath {
            mirrorPath = path
        } else {
            // A mirror of its own for this run, copied from the database at start.
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tallyd-mirror-\(getpid())-\(UUID().uuidString)")
            do {
                try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            } catch {
                await database.close()
                throw StartFailure(73, "cannot make a directory for the mirror: \(error)")
            }
            temporaryMirror = directory
            mirrorPath = directory.appendingPathComponent("mirror.sqlite").path
        }
        do {
            let mirrored = try await MirroredFigureStore(primary: database, mirrorPath: mirrorPath, logger: logger)
            return .replica(mirrored, database: database, temporaryMirror: temporaryMirror)
        } catch {
            await database.close()
            if let temporaryMirror { try? FileManager.default.removeItem(at: temporaryMirror) }
            if let failure = error as? StoreFailure { throw StartFailure(failure.exitCode, "mirror: \(failure)") }
            throw StartFailure(69, "cannot copy database \(settings.redactedURL) into the mirror \(mirrorPath): \(error)")
        }
    }

    /// After the server has drained: the database's connections closed, a temporary mirror removed.
    func close() async {
        guard case .replica(_, let database, let temporaryMirror) = self else { return }
        await database.close()
        if let temporaryMirror { try? FileManager.default.removeItem(at: temporaryMirror) }
    }
}

struct StartFailure: Error {
    var exitCode: Int32
    var message: String

    init(_ exitCode: Int32, _ message: String) {
        self.exitCode = exitCode
        self.message = message
    }
}

extension PostgresConnectError {
    /// sysexits.h: 77 a login refused, 69 a server that cannot be used, 65 a schema that is not Tally's.
    var exitCode: Int32 {
        switch self {
        case .authenticationFailed: 77
        case .schemaFailed: 65
        default: 69
        }
    }
}
