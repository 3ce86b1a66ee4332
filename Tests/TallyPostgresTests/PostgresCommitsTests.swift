import Foundation
import Testing
import TallyModel
import TallyPostgres
import TallyPostgresTestSupport
import TallyStore
import TallyTestSupport

/// Every replica follows every other's commits (LISTEN/NOTIFY, and a periodic check), says so
/// while the database is away, and comes back by itself.
@Suite(.enabled(if: PostgresTestCluster.shouldRun, "no PostgreSQL: set TALLY_TEST_POSTGRES_URL (Tests/Support/with-postgres.sh)"))
struct PostgresCommitsTests {
    let seed = SyntheticFigures.make(count: 10, prefix: "seed")

    /// The periodic check is set to a minute: the notification alone must bring the signal.
    @Test func aReplicaHearsOfAnotherReplicasCommitWithinASecond() async throws {
        try await PostgresTestCluster.withDatabase { settings in
            let publisher = try await PostgresFigureStore.connect(settings: settings, seed: seed, logger: PostgresTestCluster.logger)
            let follower = try await PostgresFigureStore.connect(settings: settings, seed: seed, logger: PostgresTestCluster.logger)
            let log = await CommitSignalLog.following(follower.commits(checkingEvery: .seconds(60)))
            #expect(await log.version(1, within: .seconds(10)) != nil, "the current version first")
            // Per publish: from its acknowledgement to the signal (negative when the signal, sent
            // at the commit, came first), and from its call (an upper bound of commit-to-signal,
            // which includes the publish itself, slow on a loaded machine).
            var afterAnswer: [Duration] = [], afterCall: [Duration] = []
            for round in 0..<5 {
                let called = ContinuousClock.now
                let result = try await publisher.publish(PublishBatch(figures: SyntheticFigures.make(count: 1, prefix: "r\(round)")))
                let answered = ContinuousClock.now
                let heard = try #require(await log.version(result.state.version, within: .seconds(5)), "version \(result.state.version) never signalled")
                afterAnswer.append(answered.duration(to: heard))
                afterCall.append(called.duration(to: heard))
            }
            #expect(afterAnswer.allSatisfy { $0 < .seconds(1) }, "signals \(afterAnswer) after the publishes answered")
            let shown = { (delays: [Duration]) in delays.map { String(format: "%.1f", $0.milliseconds) }.joined(separator: ", ") }
            print("signal on another store, ms after the publish answered: \(shown(afterAnswer)); after it was called: \(shown(afterCall))")
            await log.stop()
            await publisher.close()
            await follower.close()
        }
    }

    /// A notification sent while nobody listens is lost: the periodic check still brings the version.
    @Test func thePeriodicCheckFindsACommitWhoseNotificationWasMissed() async throws {
        try await PostgresTestCluster.withDatabase { settings in
            let store = try await PostgresFigureStore.connect(settings: settings, seed: seed, logger: PostgresTestCluster.logger)
            // A commit with no NOTIFY, as if the notification were lost.
            try await PostgresTestCluster.execute("UPDATE dataset SET version = version + 1", in: settings)
            let log = await CommitSignalLog.following(store.commits(checkingEvery: .milliseconds(200)))
            #expect(await log.version(2, within: .seconds(10)) != nil)
            try await PostgresTestCluster.execute("UPDATE dataset SET version = version + 1", in: settings)
            #expect(await log.version(3, within: .seconds(10)) != nil, "found by the check, not a notification")
            await log.stop()
            await store.close()
        }
    }

    /// The server stopped and started while a replica follows it and another publishes.
    @Test(.enabled(if: PostgresTestCluster.canStopServer || PostgresTestCluster.isRequired, "TALLY_POSTGRES_CTL is not set"))
    func anOutageIsSignalledFailsPublishesAndEndsByItself() async throws {
        try await PostgresTestCluster.withDatabaseAlone { settings in
            let publisher = try await PostgresFigureStore.connect(settings: settings, seed: seed, logger: PostgresTestCluster.logger)
            let follower = try await PostgresFigureStore.connect(settings: settings, seed: seed, logger: PostgresTestCluster.logger)
            let log = await CommitSignalLog.following(follower.commits(checkingEvery: .milliseconds(250)))
            #expect(await log.version(1, within: .seconds(10)) != nil)

            // Nothing between the stop and the start throws: the server is started again whatever the checks find.
            // Counted before the stop: the signal may come while pg_ctl is still waiting for the
            // server to go (it did in a loaded full run, and the test then waited for a second one).
            let stopped = await log.count
            try await PostgresTestCluster.stopServer()
            let reason = await log.unreachable(from: stopped, within: .seconds(10))
            #expect(reason != nil, "no unreachable signal while the server was stopped")
            let started = ContinuousClock.now
            await expectUnavailable { _ = try await publisher.publish(PublishBatch(figures: SyntheticFigures.make(count: 1, prefix: "down"))) }
            await expectUnavailable { _ = try await publisher.state() }
            #expect(started.duration(to: .now) < .seconds(15), "unavailable within the connect timeout, not after a long wait")
            // TALLY_TEST_OUTAGE_SECONDS makes the outage last that long (the pool's backoff grows
            // with it: a long one shows the pool replaced); by default it is as short as the checks.
            if let seconds = ProcessInfo.processInfo.environment["TALLY_TEST_OUTAGE_SECONDS"].flatMap(Int.init) {
                try await Task.sleep(until: started + .seconds(seconds), clock: .continuous)
            }
            try await PostgresTestCluster.startServer()

            let back = await log.count
            #expect(await log.version(1, from: back, within: .seconds(15)) != nil, "the follower reconnects by itself")
            // Publishing succeeds again soon: the pool reconnects, or is replaced when its backoff lags.
            let restarted = ContinuousClock.now
            let result = try await eventually(within: .seconds(20)) {
                try await publisher.publish(PublishBatch(figures: SyntheticFigures.make(count: 1, prefix: "up")))
            }
            #expect(result.state.version == 2)
            print("publishing again \(String(format: "%.0f", restarted.duration(to: .now).milliseconds)) ms after the server was back")
            #expect(await log.version(2, from: back, within: .seconds(5)) != nil)
            try await follower.verify()
            await log.stop()
            await publisher.close()
            await follower.close()
        }
    }

    private func expectUnavailable(_ operation: () async throws -> Void) async {
        do {
            try await operation()
            Issue.record("succeeded while the server was stopped")
        } catch StoreError.unavailable(let reason) {
            #expect(!reason.isEmpty)
        } catch {
            Issue.record("expected StoreError.unavailable, got \(String(reflecting: error))")
        }
    }

    /// `operation` retried while it throws `StoreError.unavailable`, until it succeeds or `limit` passes.
    private func eventually<T>(within limit: Duration, _ operation: () async throws -> T) async throws -> T {
        let deadline = ContinuousClock.now + limit
        while true {
            do {
                return try await operation()
            } catch StoreError.unavailable where ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(100))
            }
        }
    }
}

extension Duration {
    var milliseconds: Double {
        Double(components.seconds) * 1_000 + Double(components.attoseconds) / 1e15
    }
}
