import Foundation
import Synchronization
import Testing
import TallyClient
import TallyStore
import TallyCodec
import TallyModel
import TallyTestSupport

/// A watch when the server goes away: restarted (the deploy case), stopped without a word, or
/// asked for a version it can no longer serve.
@Suite(.serialized, .timeLimit(.minutes(3)))
struct WatchFaultTests: ClientFaultScenarios {
    /// A watch across a server restart (the deploy case): tallyd drains and ends the stream, comes
    /// back on the same port; the resuming watch reconnects and goes on after the last change it
    /// delivered. The replay of the partly delivered version is not delivered twice, and what was
    /// published after the restart arrives.
    @Test func watchResumesAcrossAServerRestart() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let database = directory.appendingPathComponent("tally.sqlite").path
        let token = directory.appendingPathComponent("token")
        try Data("watch-token".utf8).write(to: token)
        var server = try TallydProcess(arguments: ["--publish-token-file", token.path], database: database)
        let port = server.port
        let publisher = try makeClient(port)
        func figure(_ id: String) -> Figure {
            Figure(id: id, category: .prosecution, jurisdiction: "UA", measure: "verdicts",
                   period: Period(text: "2025-05-01..2025-05-31")!, kind: .count, value: .exact(1),
                   citations: [Citation(producer: "Test", outlet: "Tally tests", document: "test", quote: "1")])
        }
        struct Done: Error {}
        final class Seen: Sendable {
            let ids = Mutex<[String]>([])
            let interruptions = Mutex(0)
        }
        let seen = Seen()
        let watcher = try makeClient(port)
        let watching = Task {
            do {
                try await watcher.resumingWatch(since: 1, maxDelay: .milliseconds(500), onInterruption: { _ in
                    seen.interruptions.withLock { $0 += 1 }
                }) { event in
                    guard case .change(let change) = event.event, case .upsert(let figure)? = change.kind else { return }
                    if seen.ids.withLock({ $0.append(figure.id); return $0.count }) == 3 { throw Done() }
                }
            } catch is Done {}
        }
        func waitFor(_ count: Int) async throws {
            let deadline = ContinuousClock.now + .seconds(30)
            while seen.ids.withLock({ $0.count }) < count && ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(50))
            }
        }
        // Version 2: two figures in one publish.
        var request = PublishRequest()
        request.figures = [figure("before-restart-a"), figure("before-restart-b")]
        #expect(try await publisher.publish(request, token: "watch-token").datasetVersion == 2)
        try await waitFor(2)
        #expect(seen.ids.withLock { $0 } == ["before-restart-a", "before-restart-b"])

        #expect(server.stop() == 0)
        server = try TallydProcess(arguments: ["--port", String(port), "--publish-token-file", token.path], database: database)
        defer { server.stop() }
        request.figures = [figure("after-restart")]
        #expect(try await publisher.publish(request, token: "watch-token").datasetVersion == 3)
        try await waitFor(3)
        try await watching.value
        #expect(seen.ids.withLock { $0 } == ["before-restart-a", "before-restart-b", "after-restart"])
        #expect(seen.interruptions.withLock { $0 } >= 1)
        await watcher.shutdown()
        await publisher.shutdown()
    }

    /// A server that stops answering in the middle of a watch (SIGSTOP: the connection stays open,
    /// nothing comes back, like a dead host behind a NAT or proxy). The keepalive PINGs go
    /// unanswered, the connection is dropped, the watch reconnects, and once the server is back it
    /// delivers what was published meanwhile.
    @Test func watchNoticesAServerThatStoppedAnswering() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let token = directory.appendingPathComponent("token")
        try Data("watch-token".utf8).write(to: token)
        let server = try TallydProcess(arguments: ["--publish-token-file", token.path])
        defer {
            kill(server.process.processIdentifier, SIGCONT)
            server.stop()
        }
        var configuration = TallyClient.Configuration(server: ServerAddress(secure: false, host: "127.0.0.1", port: server.port))
        configuration.keepaliveInterval = .milliseconds(200)
        let watcher = try TallyClient(configuration: configuration)
        let publisher = try makeClient(server.port)
        final class Seen: Sendable {
            let ids = Mutex<[String]>([])
            let interruptions = Mutex<[String]>([])
        }
        let seen = Seen()
        struct Done: Error {}
        let watching = Task {
            do {
                try await watcher.resumingWatch(since: 1, maxDelay: .milliseconds(300), onInterruption: { interruption in
                    seen.interruptions.withLock { $0.append("\(interruption.error)") }
                }) { event in
                    guard case .change(let change) = event.event, case .upsert(let figure)? = change.kind else { return }
                    if seen.ids.withLock({ $0.append(figure.id); return $0.count }) == 2 { throw Done() }
                }
            } catch is Done {}
        }
        func waitUntil(_ condition: () -> Bool) async throws {
            let deadline = ContinuousClock.now + .seconds(20)
            while !condition() && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(50)) }
        }
        func figure(_ id: String) -> Figure {
            Figure(id: id, category: .prosecution, jurisdiction: "UA", measure: "verdicts",
                   period: Period(text: "2025-05-01..2025-05-31")!, kind: .count, value: .exact(1),
                   citations: [Citation(producer: "Test", outlet: "Tally tests", document: "test", quote: "1")])
        }
        var request = PublishRequest()
        request.figures = [figure("before-stop")]
        _ = try await publisher.publish(request, token: "watch-token")
        try await waitUntil { seen.ids.withLock { $0.count } == 1 }
        // A quiet but healthy connection answers the PINGs: no interruption over many intervals.
        try await Task.sleep(for: .seconds(1))
        #expect(seen.interruptions.withLock { $0 }.isEmpty, "a healthy watch was interrupted")

        _ = stopped(server.process.processIdentifier)
        try await waitUntil { !seen.interruptions.withLock { $0.isEmpty } }
        let first = seen.interruptions.withLock { $0.first }
        #expect(first?.contains("keepalive") == true, "\(first ?? "no interruption: the watch did not notice")")

        kill(server.process.processIdentifier, SIGCONT)
        request.figures = [figure("after-stop")]
        _ = try await publisher.publish(request, token: "watch-token")
        try await waitUntil { seen.ids.withLock { $0.count } == 2 }
        try await watching.value
        #expect(seen.ids.withLock { $0 } == ["before-stop", "after-stop"])
        await watcher.shutdown()
        await publisher.shutdown()
    }

    /// A watch since a version the server cannot replay from ends with `out_of_range` and says why,
    /// at once, instead of watching on without the missed changes; the resuming watch does not retry it.
    @Test func watchSinceAnUnservableVersionIsRefused() async throws {
        let server = try TallydProcess()
        defer { server.stop() }
        let client = try makeClient(server.port)
        for attempt in 0..<2 {
            do {
                if attempt == 0 {
                    try await client.watch(since: 99) { _ in }
                } else {
                    try await client.resumingWatch(since: 99) { _ in }
                }
                Issue.record("watch since 99 was accepted")
            } catch TallyClientError.status(let status) {
                #expect(status.code == .outOfRange)
                #expect(status.message.contains("newer than the dataset (version 1)"), "\(status.message)")
            }
        }
        await client.shutdown()
    }
}
