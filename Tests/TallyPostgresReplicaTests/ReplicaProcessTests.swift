import Foundation
import Synchronization
import Testing
import TallyClient
import TallyCodec
import TallyDataset
import TallyModel
import TallyPostgres
import TallyPostgresTestSupport
import TallyStore
import TallyTestSupport

/// Replicas of tallyd, as processes, on one real PostgreSQL (issue 12): started together they
/// migrate and seed once; a publish on any replica is served by every other and reaches every
/// watcher exactly once; concurrent publishes on two replicas serialize; an outage of the
/// database keeps reads going, refuses publishes with `unavailable`, says so in /readyz and a
/// metric, and ends by itself when the server is back. The replicas check the database's version
/// only every 60 s here, so what arrives sooner came by LISTEN/NOTIFY.
@Suite(.serialized, .timeLimit(.minutes(4)), .enabled(if: PostgresTestCluster.shouldRun, "needs TALLY_TEST_POSTGRES_URL (make test sets it)"))
struct ReplicaProcessTests {
    /// Collects what a watch on a replica delivers, (version, figure id) per change.
    final class WatchLog: Sendable {
        let changes = Mutex<[String]>([])
        var count: Int { changes.withLock { $0.count } }
    }

    private func watch(_ client: TallyClient, since version: UInt64) -> (WatchLog, Task<Void, any Error>) {
        let log = WatchLog()
        let task = Task {
            try await client.watch(since: version) { @Sendable event in
                guard case .change(let change) = event.event else { return }
                let id = switch change.kind { case .upsert(let figure)?: figure.id; case .retracted(let id)?: id; case nil: "?" }
                log.changes.withLock { $0.append("\(change.version) \(id)") }
            }
        }
        return (log, task)
    }

    private func until(_ what: String, within limit: Duration = .seconds(10), _ condition: () async throws -> Bool) async throws {
        let deadline = ContinuousClock.now + limit
        while try await !condition() {
            guard ContinuousClock.now < deadline else {
                Issue.record("not within \(limit): \(what)")
                return
            }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    private func publish(_ count: Int, prefix: String, on client: TallyClient) async throws -> PublishResponse {
        var request = PublishRequest()
        request.figures = SyntheticFigures.make(count: count, prefix: prefix)
        request.comment = prefix
        return try await client.publish(request, token: ReplicaProcesses.token)
    }

    @Test func replicasStartedTogetherServeAndTellEveryPublishOnce() async throws {
        try await PostgresTestCluster.withDatabase { settings in
            let processes = try await ReplicaProcesses(3, on: settings)
            defer { processes.stop() }
            let clients = try (0..<3).map { try processes.client($0) }
            let healths = try await clients.asyncMap { try await $0.health() }
            #expect(Set(healths.map(\.datasetVersion)) == [1], "seeded once, as version 1")
            #expect(Set(healths.map(\.digest)).count == 1)
            // Seeded once: one row per embedded figure, none written twice by replicas racing.
            #expect(try await PostgresTestCluster.count("SELECT count(*) FROM figure", in: settings) == (try EmbeddedDataset.load()).count)

            let watches = clients.map { watch($0, since: 1) }
            defer { for (_, task) in watches { task.cancel() } }
            // One publish on each replica, each of 5 figures: versions 2, 3, 4.
            for (index, client) in clients.enumerated() {
                let response = try await publish(5, prefix: "replica\(index)", on: client)
                #expect(response.datasetVersion == UInt64(index + 2))
                for other in clients {
                    try await until("replica serves v\(index + 2)") { try await other.health().datasetVersion >= UInt64(index + 2) }
                }
            }
            for (log, _) in watches {
                try await until("every watcher has 15 changes") { log.count >= 15 }
            }
            for (log, _) in watches {
                let changes = log.changes.withLock { $0 }
                #expect(changes.count == 15 && Set(changes).count == 15, "each change exactly once: \(changes)")
            }
            let digests = try await clients.asyncMap { try await $0.health().digest }
            #expect(Set(digests).count == 1)
            for client in clients { await client.shutdown() }
        }
    }

    @Test func concurrentPublishesOnTwoReplicasSerialize() async throws {
        try await PostgresTestCluster.withDatabase { settings in
            let processes = try await ReplicaProcesses(2, on: settings)
            defer { processes.stop() }
            let clients = try (0..<2).map { try processes.client($0) }
            let versions = try await withThrowingTaskGroup(of: [UInt64].self) { group in
                for (index, client) in clients.enumerated() {
                    group.addTask {
                        var versions: [UInt64] = []
                        for round in 0..<10 {
                            versions.append(try await publish(2, prefix: "r\(index)-\(round)", on: client).datasetVersion)
                        }
                        return versions
                    }
                }
                return try await group.reduce(into: []) { $0 += $1 }
            }
            #expect(versions.sorted() == Array(2...21), "one version per publish, none lost")
            for client in clients {
                try await until("replica serves v21") { try await client.health().datasetVersion == 21 }
            }
            // The database's digest is the digest of its figures.
            let store = try await PostgresFigureStore.connect(settings: settings, seed: [], logger: PostgresTestCluster.logger)
            try await store.verify()
            let stored = try await store.state()
            await store.close()
            #expect(stored.version == 21)
            #expect(try await clients[0].health().digest == stored.digest)
            for client in clients { await client.shutdown() }
        }
    }

    @Test(.enabled(if: PostgresTestCluster.canStopServer || PostgresTestCluster.isRequired, "needs TALLY_POSTGRES_CTL"))
    func anOutageKeepsReadsAndRefusesPublishesUntilTheDatabaseIsBack() async throws {
        try await PostgresTestCluster.withDatabaseAlone { settings in
            // The version check every second: it is what notices the database leaving and returning.
            let processes = try await ReplicaProcesses(2, on: settings, checkSeconds: 1)
            defer { processes.stop() }
            let clients = try (0..<2).map { try processes.client($0) }
            let question = TotalsRequest(jurisdiction: "RU", measure: "cases_received_by_courts")
            let answer = try await clients[0].totals(question)

            try await PostgresTestCluster.stopServer()
            var restarted = false
            defer { if !restarted { Task { try? await PostgresTestCluster.startServer() } } }
            for replica in processes.replicas {
                try await until("tally_database_reachable is 0") { try await replica.metric("tally_database_reachable") == 0 }
                let ready = try runProcess("/usr/bin/curl", ["-s", "--http2-prior-knowledge", "\(replica.url)/readyz"])
                #expect(ready.stdout.contains("unreachable"), "\(ready.stdout)")
            }
            for client in clients { #expect(try await client.totals(question) == answer, "reads go on from the mirror") }
            await #expect {
                _ = try await publish(1, prefix: "during-outage", on: clients[0])
            } throws: { error in
                guard case .status(let status) = error as? TallyClientError else { return false }
                return status.code == .unavailable
            }

            try await PostgresTestCluster.startServer()
            restarted = true
            for replica in processes.replicas {
                try await until("tally_database_reachable is 1", within: .seconds(20)) { try await replica.metric("tally_database_reachable") == 1 }
            }
            var response: PublishResponse?
            try await until("a publish succeeds again", within: .seconds(20)) {
                response = try? await publish(1, prefix: "after-outage", on: clients[0])
                return response != nil
            }
            let version = try #require(response).datasetVersion
            try await until("the other replica serves it") { try await clients[1].health().datasetVersion == version }
            for client in clients { await client.shutdown() }
        }
    }

    /// Start-up failures, each a message naming what is wrong and a non-zero exit.
    @Test func aBadURLOrLoginOrServerStopsTallydWithAClearError() async throws {
        try await PostgresTestCluster.withDatabase { settings in
            let tallyd = TallydProcess.productsDirectory.appendingPathComponent("tallyd").path
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pg-errors-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            let wrong = directory.appendingPathComponent("wrong").path
            try Data("not-the-password\n".utf8).write(to: URL(fileURLWithPath: wrong))
            func start(_ database: String, _ extra: [String] = []) throws -> (status: Int32, stderr: String) {
                let result = try runProcess(tallyd, ["--host", "127.0.0.1", "--port", "0", "--database", database] + extra,
                                            environment: ["PATH": "/usr/bin:/bin"])
                return (result.status, result.stderr)
            }
            let url = ReplicaProcesses.url(settings)
            let login = try start(url, ["--database-password-file", wrong])
            #expect(login.status == 77 && login.stderr.contains("password authentication failed"), "\(login)")
            #expect(!login.stderr.contains("not-the-password"), "the password is never printed")
            let closed = try freeLoopbackPort()
            let unreachable = try start("postgres://tally@127.0.0.1:\(closed)/tally")
            #expect(unreachable.status == 69 && unreachable.stderr.contains("127.0.0.1:\(closed)"), "\(unreachable)")
            let malformed = try start("postgres://tally@127.0.0.1:notaport/tally")
            #expect(malformed.status == 64 && malformed.stderr.contains("port"), "\(malformed)")
            let twice = try start("postgres://tally:secret@127.0.0.1:\(settings.port)/tally", ["--database-password-file", wrong])
            #expect(twice.status == 64 && !twice.stderr.contains("secret"), "\(twice)")
        }
    }
}

extension Array {
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var result: [T] = []
        for element in self { result.append(try await transform(element)) }
        return result
    }
}
