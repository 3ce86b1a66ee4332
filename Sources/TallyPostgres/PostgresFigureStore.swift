import Foundation
public import Logging
import NIOCore
import PostgresNIO
import TallyCodec
public import TallyModel
public import TallyStore

/// The dataset in PostgreSQL, shared by tallyd's replicas: the same semantics as
/// `SQLiteFigureStore` (versions rising by one per publish, the LtHash16 state beside its
/// checksum updated in O(changes), the change log, all-or-nothing publishes, the seed as version
/// 1), with publishes from any number of processes serialized by the database, and commits
/// announced with `NOTIFY` so every replica follows them (`commits(checkingEvery:)`).
///
/// Operations run on a connection pool the store owns (`ReconnectingPool`, which lives as long
/// as the store). While the database cannot be reached, they throw `StoreError.unavailable`
/// instead of waiting: after `PostgresSettings.connectTimeout` at most.
public final class PostgresFigureStore: SharedFigureStore {
    let pool: ReconnectingPool
    let settings: PostgresSettings
    let logger: Logger
    private let followers = FollowerTasks()

    /// Connections the pool may open (each replica's share of the server's `max_connections`).
    static let maximumConnections = 8

    private init(settings: PostgresSettings, logger: Logger) {
        self.settings = settings
        self.logger = logger
        pool = ReconnectingPool(settings: settings, maximumConnections: Self.maximumConnections, logger: logger)
    }

    /// Connects, creates or migrates the schema, and seeds an empty database with `seed` as
    /// version 1 (all under an advisory lock: replicas starting together do this once). Failures
    /// are `PostgresConnectError`, naming the server, database and user; an invalid seed is
    /// `PublishError.invalid`, as for SQLite.
    public static func connect(settings: PostgresSettings, seed: @autoclosure () throws -> [Figure],
                               logger: Logger) async throws -> PostgresFigureStore {
        let connection = try await settings.connect(logger: logger)
        do {
            try await PostgresSchema.prepare(connection, seed: seed, logger: logger)
        } catch {
            try? await connection.close()
            switch error {
            case is PublishError, is PostgresConnectError: throw error
            case let failed as PostgresSchema.SeedFailed: throw failed.underlying
            case let error as PSQLError where PostgresFailure.isUnreachable(error):
                throw PostgresConnectError.unreachable(settings.endpoint, reason: "lost while preparing the schema: \(PostgresFailure.describe(error))")
            default:
                throw PostgresConnectError.schemaFailed(settings.endpoint, reason: PostgresFailure.describe(error))
            }
        }
        try? await connection.close()
        return PostgresFigureStore(settings: settings, logger: logger)
    }

    /// Closes the pool and ends every commit stream; operations after it throw.
    public func close() async {
        followers.cancelAll()
        await pool.shutdown()
    }

    deinit {
        followers.cancelAll()
    }

    // MARK: - Reading

    public func state() async throws -> DatasetState {
        try await withConnection("reading the version") { connection in try await Self.state(connection, logger: self.logger) }
    }

    static func state(_ connection: PostgresConnection, logger: Logger, forUpdate: Bool = false) async throws -> DatasetState {
        let lock = forUpdate ? " FOR UPDATE" : ""
        let rows = try await connection.query(PostgresQuery(unsafeSQL: "SELECT version, hash FROM dataset WHERE id = 1" + lock), logger: logger)
        for try await (version, hash) in rows.decode((Int64, ByteBuffer).self) {
            return DatasetState(version: UInt64(version), hash: try DatasetHash(stateBytes: hash.readableBytesView))
        }
        throw StoreError.notInitialised
    }

    public func reader() async throws -> any DatasetReader {
        try await withConnection("opening a reader") { connection in
            let rows = try await connection.query("""
                SELECT version, hash, (SELECT count(*) FROM figure WHERE valid_to IS NULL) FROM dataset WHERE id = 1
                """, logger: self.logger)
            for try await (version, hash, count) in rows.decode((Int64, ByteBuffer, Int64).self) {
                let state = DatasetState(version: UInt64(version), hash: try DatasetHash(stateBytes: hash.readableBytesView))
                return PostgresDatasetReader(store: self, state: state, figureCount: Int(count))
            }
            throw StoreError.notInitialised
        }
    }

    /// Recomputes the hash from the current rows, in one snapshot, and compares it with the stored one.
    public func verify() async throws {
        try await withConnection("verifying the digest") { connection in
            try await Self.transaction(on: connection, isolation: "REPEATABLE READ READ ONLY", logger: self.logger) { connection in
                let stored = try await Self.state(connection, logger: self.logger)
                var actual = DatasetHash()
                let rows = try await connection.query("SELECT body FROM figure WHERE valid_to IS NULL", logger: self.logger)
                for try await body in rows.decode(ByteBuffer.self) {
                    body.withUnsafeReadableBytes { actual.add(element: $0) }
                }
                guard actual == stored.hash else { throw StoreError.digestMismatch(version: stored.version) }
                // The digest column (what operators and tools compare) is the checksum of the state.
                let digests = try await connection.query("SELECT digest FROM dataset WHERE id = 1", logger: self.logger)
                for try await digest in digests.decode(ByteBuffer.self) where Array(digest.readableBytesView) != stored.digest {
                    throw StoreError.digestMismatch(version: stored.version)
                }
            }
        }
    }

    static func decode(id: String, body: ByteBuffer) throws -> Figure {
        do {
            return try Figure(wireBytes: Array(body.readableBytesView))
        } catch {
            throw StoreError.corruptFigure(id: id, reason: error.description)
        }
    }

    // MARK: - Connections and transactions

    /// Runs `body` on a pooled connection. Waiting for one counts as the database being
    /// unreachable after `connectTimeout`; the pool's connection errors and a connection lost
    /// mid-way become `StoreError.unavailable`, naming `operation`.
    /// After an outage the pool may be stuck in its backoff: when no connection could be leased
    /// (so `body` never ran, and trying again cannot do anything twice) and the server answers a
    /// direct attempt, the pool is replaced and the operation tried once more.
    func withConnection<T: Sendable>(_ operation: String, _ body: @escaping @Sendable (PostgresConnection) async throws -> T) async throws -> T {
        let client = pool.current
        do {
            return try await PoolLease.run(client, waitingAtMost: settings.connectTimeout, body)
        } catch let failure as PoolLease.NotLeased {
            if await pool.recover(after: client) {
                logger.debug("retrying on a new connection pool", metadata: ["operation": "\(operation)"])
                do {
                    return try await PoolLease.run(pool.current, waitingAtMost: settings.connectTimeout, body)
                } catch let again as PoolLease.NotLeased {
                    throw unavailable(again, operation)
                } catch {
                    throw translate(error, operation)
                }
            }
            throw unavailable(failure, operation)
        } catch {
            throw translate(error, operation)
        }
    }

    private func unavailable(_ failure: PoolLease.NotLeased, _ operation: String) -> StoreError {
        let reason = failure.cause.map(PostgresFailure.describe) ?? "no connection within \(failure.waited)"
        return .unavailable("\(operation): \(settings.host):\(settings.port): \(reason)")
    }

    func translate(_ error: any Error, _ operation: String) -> any Error {
        switch error {
        case is StoreError, is PublishError, is CancellationError, is DatasetHash.StateError:
            return error
        case let psql as PSQLError where psql.serverInfo?[.sqlState] == "TA001":
            return StoreError.unavailable("\(operation): \(psql.serverInfo?[.message] ?? "version no longer kept"); open a new reader")
        case let error where PostgresFailure.isUnreachable(error):
            return StoreError.unavailable("\(operation): \(PostgresFailure.describe(error))")
        default:
            return PostgresQueryError(operation: operation, reason: PostgresFailure.describe(error))
        }
    }

    /// `body` in one transaction, committed when it returns and rolled back when it throws; its
    /// own error is rethrown as it is (postgres-nio's `withTransaction` would wrap it).
    static func transaction<T>(on connection: PostgresConnection, isolation: String = "READ COMMITTED", logger: Logger,
                               _ body: (PostgresConnection) async throws -> T) async throws -> T {
        try await connection.query(PostgresQuery(unsafeSQL: "BEGIN ISOLATION LEVEL " + isolation), logger: logger)
        let value: T
        do {
            value = try await body(connection)
        } catch {
            _ = try? await connection.query("ROLLBACK", logger: logger)
            throw error
        }
        try await connection.query("COMMIT", logger: logger)
        return value
    }
}

/// A query the server refused for a reason other than being unreachable: a bug or a damaged
/// schema, with the server's message.
public struct PostgresQueryError: Error, Sendable, Equatable, CustomStringConvertible {
    public var operation: String
    public var reason: String

    public var description: String { "PostgreSQL, \(operation): \(reason)" }
}

/// The commit streams' tasks, ended by `close()`.
private final class FollowerTasks: @unchecked Sendable {
    // @unchecked: `tasks` is guarded by `lock`.
    private let lock = NSLock()
    private var tasks: [UUID: Task<Void, Never>] = [:]

    /// Starts `operation` as a task kept here until it ends (the lock makes its removal wait for
    /// its insertion, however quickly it ends).
    func start(_ operation: @escaping @Sendable () async -> Void) -> Task<Void, Never> {
        let id = UUID()
        lock.lock()
        defer { lock.unlock() }
        let task = Task {
            await operation()
            self.remove(id)
        }
        tasks[id] = task
        return task
    }

    private func remove(_ id: UUID) {
        lock.lock()
        tasks.removeValue(forKey: id)
        lock.unlock()
    }

    func cancelAll() {
        lock.lock()
        let running = Array(tasks.values)
        lock.unlock()
        running.forEach { $0.cancel() }
    }
}

extension PostgresFigureStore {
    public func commits(checkingEvery interval: Duration) -> AsyncStream<CommitSignal> {
        let follower = PostgresCommitFollower(settings: settings, logger: logger)
        return AsyncStream { continuation in
            let task = followers.start {
                await follower.run(checkingEvery: interval) { continuation.yield($0) }
                continuation.finish()
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }
}
