import Foundation
import PostgresNIO

/// The store's connection pool, and a fresh one when the old one is stuck after an outage.
///
/// postgres-nio's pool retries a failed connection with a backoff that grows to a minute: after
/// a long outage, a replica would keep refusing publishes for up to a minute after the database
/// is back, while its commit listener (a connection of its own) already sees it. So when an
/// operation fails as unreachable, the store asks `recover`: a direct connection attempt (at
/// most one a second); when the server answers it, the pool is replaced by a new one, which
/// connects at once.
final class ReconnectingPool: @unchecked Sendable {
    // @unchecked: the mutable fields are guarded by `lock`.
    private let lock = NSLock()
    private var client: PostgresClient
    private var running: Task<Void, Never>
    private var lastProbe: ContinuousClock.Instant?
    private var probing = false
    private let settings: PostgresSettings
    private let logger: Logger
    private let maximumConnections: Int

    init(settings: PostgresSettings, maximumConnections: Int, logger: Logger) {
        self.settings = settings
        self.logger = logger
        self.maximumConnections = maximumConnections
        (client, running) = Self.start(settings, maximumConnections, logger)
    }

    private static func start(_ settings: PostgresSettings, _ maximumConnections: Int, _ logger: Logger) -> (PostgresClient, Task<Void, Never>) {
        let client = PostgresClient(configuration: settings.clientConfiguration(maximumConnections: maximumConnections), backgroundLogger: logger)
        return (client, Task { await client.run() })
    }

    var current: PostgresClient { locked { client } }

    /// The fields, under the lock (a synchronous call: async code may not hold an NSLock itself).
    private func locked<R>(_ body: () -> R) -> R {
        lock.lock()
        defer { lock.unlock() }
        return body()
    }

    /// After `failed` could not reach the database: whether the server answers now (and the pool
    /// was replaced, so the caller may try once more). False while another probe runs or one ran
    /// less than a second ago.
    func recover(after failed: PostgresClient) async -> Bool {
        let due = locked {
            let due = client === failed && !probing && (lastProbe.map { $0.duration(to: .now) >= .seconds(1) } ?? true)
            if due { probing = true }
            return due
        }
        guard due else { return false }

        let answered: Bool
        do {
            let probe = try await settings.connect(logger: logger)
            try? await probe.close()
            answered = true
        } catch {
            answered = false
        }

        let stale: Task<Void, Never>? = locked {
            probing = false
            lastProbe = .now
            guard answered, client === failed else { return nil }
            let stale = running
            (client, running) = Self.start(settings, maximumConnections, logger)
            return stale
        }
        if let stale {
            logger.info("the database answers again; its connection pool was replaced", metadata: ["database": "\(settings.endpoint)"])
            stale.cancel()
        }
        return answered
    }

    /// Closes the pool; operations after it fail.
    func shutdown() async {
        let task = locked { running }
        task.cancel()
        await task.value
    }

    deinit {
        running.cancel()
    }
}
