import Foundation
import Logging
import ServiceLifecycle
import Synchronization
import Testing
import TallyClient
import TallyCodec
import TallyModel
import TallyServer
import TallyStore
import TallyTestSupport

/// Replicas on one shared store, in this process: each with its own mirror, following the store's
/// commit signals. The store is `ControlledSharedStore` (a SQLite file whose signals and outages
/// the test makes), so what is checked here is the replica's side: that it serves what another
/// replica published, tells its watchers exactly once, keeps reading through an outage, refuses
/// publishes during it, and catches up after. The same against PostgreSQL, with processes, is in
/// TallyPostgresReplicaTests.
@Suite(.serialized, .timeLimit(.minutes(3)))
struct ReplicaFollowingTests {
    static let token = "replica-test-token"

    struct Replicas {
        let shared: ControlledSharedStore
        let ports: [Int]

        func client(_ index: Int) throws -> TallyClient {
            var configuration = TallyClient.Configuration(server: ServerAddress(secure: false, host: "127.0.0.1", port: ports[index]))
            configuration.retries = 0
            return try TallyClient(configuration: configuration)
        }

        func curl(_ index: Int) -> CurlClient { CurlClient(port: ports[index]) }
    }

    static func withReplicas(_ count: Int, publishesBefore: Int = 0, _ body: (Replicas) async throws -> Void) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("replicas-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let shared = ControlledSharedStore(inner: try SQLiteFigureStore(path: directory.appendingPathComponent("shared.sqlite").path,
                                                                         seed: SyntheticFigures.make(count: 5, prefix: "seed")))
        for index in 0..<publishesBefore {
            _ = try await shared.publish(PublishBatch(figures: SyntheticFigures.make(count: 1, prefix: "before-\(index)")))
        }
        var logger = Logger(label: "replica-test")
        logger.logLevel = .critical
        var servers: [TallyServer] = []
        for index in 0..<count {
            var configuration = ServerConfiguration()
            configuration.port = 0
            configuration.publishToken = token
            let mirrored = try await MirroredFigureStore(primary: shared, mirrorPath: directory.appendingPathComponent("mirror-\(index).sqlite").path,
                                                         logger: logger)
            let server = try await TallyServer(configuration: configuration, store: mirrored, logger: logger)
            try await server.start()
            servers.append(server)
        }
        let group = ServiceGroup(services: servers, logger: logger)
        let running = Task { try await group.run() }
        let replicas = Replicas(shared: shared, ports: servers.map { $0.port! })
        do {
            // Signals sent before a follower listens would not reach it.
            try await eventually("every replica listens for commits") { shared.listenerCount == count }
            try await body(replicas)
        } catch {
            await group.triggerGracefulShutdown()
            _ = try? await running.value
            throw error
        }
        await group.triggerGracefulShutdown()
        try await running.value
    }

    /// Polls `condition` until it holds (a deadline far beyond what it needs, not a wait that
    /// makes it pass).
    static func eventually(_ what: String, within limit: Duration = .seconds(20), _ condition: () async throws -> Bool) async throws {
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            if (try? await condition()) == true { return }
            try await Task.sleep(for: .milliseconds(20))
        }
        Issue.record("not within \(limit): \(what)")
        throw CancellationError()
    }

    final class Received: Sendable {
        private let changes = Mutex<[(UInt64, String)]>([])
        func withLock<T>(_ body: (inout [(UInt64, String)]) -> T) -> T { changes.withLock { body(&$0) } }
    }

    static func publish(_ client: TallyClient, _ prefix: String) async throws -> PublishResponse {
        var request = PublishRequest()
        request.figures = SyntheticFigures.make(count: 1, prefix: prefix)
        return try await client.publish(request, token: token)
    }

    @Test func aPublishOnEitherReplicaReachesTheOtherAndEveryWatcherOnce() async throws {
        try await Self.withReplicas(2) { replicas in
            let received = [Received(), Received()]
            var watches: [Task<Void, any Error>] = []
            for index in 0..<2 {
                let watcher = try replicas.client(index)
                watches.append(Task {
                    try await watcher.watch(since: 1) { event in
                        guard case .change(let change) = event.event, case .upsert(let figure)? = change.kind else { return }
                        received[index].withLock { $0.append((change.version, figure.id)) }
                    }
                })
            }
            defer { for watch in watches { watch.cancel() } }
            let publishers = [try replicas.client(0), try replicas.client(1)]
            var published: [(UInt64, String)] = []
            for index in 0..<6 {
                let answer = try await Self.publish(publishers[index % 2], "replicated-\(index)")
                published.append((answer.datasetVersion, "replicated-\(index)-0"))
            }
            for index in 0..<2 {
                try await Self.eventually("replica \(index) serves version 7") { try await publishers[index].health().datasetVersion == 7 }
                try await Self.eventually("watcher on replica \(index) has 6 changes") { received[index].withLock { $0.count } >= 6 }
            }
            // One more publish, and its arrival: anything sent twice before it would be here by now.
            _ = try await Self.publish(publishers[0], "sentinel")
            for index in 0..<2 {
                try await Self.eventually("watcher on replica \(index) has the sentinel") { received[index].withLock { $0.count } >= 7 }
                let seen = received[index].withLock { $0 }
                #expect(seen.map(\.0) == published.map(\.0) + [8], "replica \(index) versions")
                #expect(seen.map(\.1) == published.map(\.1) + ["sentinel-0"], "replica \(index) figures")
            }
        }
    }

    @Test func whileTheDatabaseIsAwayReadsGoOnAndPublishesAreUnavailable() async throws {
        try await Self.withReplicas(2) { replicas in
            let reader = try replicas.client(1)
            try await replicas.shared.setOutage(true)
            try await Self.eventually("readyz names the outage") {
                let ready = try replicas.curl(1).call(.init(path: "/readyz", method: "GET", body: nil, headers: []))
                return ready.status == 200 && String(decoding: ready.body, as: UTF8.self).contains("the database is unreachable")
            }
            let metrics = try replicas.curl(1).call(.init(path: "/metrics", method: "GET", body: nil, headers: []))
            #expect(String(decoding: metrics.body, as: UTF8.self).contains("\ntally_database_reachable 0"))

            // Reads come from the mirror: a question never asked before, and the whole snapshot.
            var question = FiguresRequest()
            question.jurisdiction = "RU"
            question.limit = 3
            let figures = try await reader.figures(question)
            #expect(figures.figures.count == 3)
            let bytes = try await reader.snapshot { _ in }
            #expect(bytes > 0)
            await #expect(throws: TallyClientError.self) { _ = try await Self.publish(try replicas.client(0), "during-outage") }
            do {
                _ = try await Self.publish(try replicas.client(0), "during-outage")
            } catch TallyClientError.status(let status) {
                #expect(status.code == .unavailable && status.message.contains("nothing was published"), "\(status)")
            }

            try await replicas.shared.setOutage(false)
            try await Self.eventually("readyz is plain ready again") {
                let ready = try replicas.curl(1).call(.init(path: "/readyz", method: "GET", body: nil, headers: []))
                return String(decoding: ready.body, as: UTF8.self) == "ready\n"
            }
            let answer = try await Self.publish(try replicas.client(0), "after-outage")
            #expect(answer.datasetVersion == 2)
            try await Self.eventually("the other replica serves the publish after the outage") { try await reader.health().datasetVersion == 2 }
        }
    }

    /// A replica started after versions its mirror never saw still answers a delta from them (from
    /// the shared store's log), so a laptop is not sent the whole dataset by a new replica.
    @Test func aNewReplicaAnswersDeltasFromBeforeItStarted() async throws {
        try await Self.withReplicas(1, publishesBefore: 4) { replicas in
            let client = try replicas.client(0)
            let (header, changes) = try await client.changes(since: 2)
            #expect(!header.snapshotRequired)
            #expect(header.toVersion == 5)
            #expect(changes.map(\.version) == [3, 4, 5])
        }
    }
}
