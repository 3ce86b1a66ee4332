import NIOCore
import PostgresNIO
import TallyStore

/// Follows the database's version for one `commits(checkingEvery:)` stream, on a connection of
/// its own (a pooled one would be handed back, and LISTEN with it). It listens on
/// `tally_commits` for every writer's commits and also reads the version every `interval` on the
/// same connection: a notification can be missed (one sent while the listener reconnects) and a
/// connection can die without a word, and the check notices both. While the database cannot be
/// reached it reports `.unreachable` and tries again, at least every second; once back, it says
/// the version at once.
struct PostgresCommitFollower: Sendable {
    let settings: PostgresSettings
    let logger: Logger

    /// The check, or the reconnection, has failed when it takes longer than this.
    private var answerTimeout: Duration { settings.connectTimeout }

    private struct Unanswered: Error, CustomStringConvertible {
        var description: String
    }

    func run(checkingEvery interval: Duration, _ signal: @escaping @Sendable (CommitSignal) -> Void) async {
        let retry = min(interval, .seconds(1))
        while !Task.isCancelled {
            let connection: PostgresConnection
            do {
                connection = try await settings.connect(logger: logger)
            } catch {
                guard !Task.isCancelled else { return }
                signal(.unreachable("\(error)"))
                try? await Task.sleep(for: retry)
                continue
            }
            do {
                try await follow(connection, checkingEvery: interval, signal)
            } catch {
                if !Task.isCancelled {
                    logger.warning("lost the database's commit notifications", metadata: ["error": "\(PostgresFailure.describe(error))"])
                    signal(.unreachable("\(settings.endpoint): \(PostgresFailure.describe(error))"))
                }
            }
            try? await connection.close()
            try? await Task.sleep(for: retry)
        }
    }

    /// Listens and checks until the connection fails (it throws) or the task is cancelled.
    private func follow(_ connection: PostgresConnection, checkingEvery interval: Duration,
                        _ signal: @escaping @Sendable (CommitSignal) -> Void) async throws {
        try await connection.listen(on: PostgresSchema.commitChannel) { notifications in
            // Listening first, then reading: no commit falls between the two unseen.
            signal(.version(try await version(on: connection)))
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    for try await notification in notifications {
                        if let version = UInt64(notification.payload) { signal(.version(version)) }
                    }
                    throw Unanswered(description: "the notification stream ended (the connection closed)")
                }
                group.addTask {
                    while true {
                        try await Task.sleep(for: interval)
                        signal(.version(try await version(on: connection)))
                    }
                }
                _ = try await group.next()
                group.cancelAll()
            }
        }
    }

    /// The version, read on `connection`; a server that does not answer within the timeout has
    /// its connection closed, which fails the query rather than leave it waiting.
    private func version(on connection: PostgresConnection) async throws -> UInt64 {
        let logger = logger, timeout = answerTimeout
        return try await withThrowingTaskGroup(of: UInt64?.self) { group in
            group.addTask {
                for try await version in try await connection.query("SELECT version FROM dataset WHERE id = 1", logger: logger).decode(Int64.self) {
                    return UInt64(version)
                }
                throw StoreError.notInitialised
            }
            group.addTask {
                try await Task.sleep(for: timeout)
                try? await connection.close()
                throw Unanswered(description: "the version check had no answer within \(timeout)")
            }
            defer { group.cancelAll() }
            while let answer = try await group.next() {
                if let answer { return answer }
            }
            throw CancellationError()
        }
    }
}
