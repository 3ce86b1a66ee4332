import Foundation
import Logging
import ServiceLifecycle
import Synchronization
import Testing
import TallyClient
import TallyCodec
import TallyModel
import TallyHTTP2
import TallyServer
import TallyStore
import TallyTestSupport

/// A watcher that stops reading while publishes come: the server does not skip it forward
/// silently (it ends the watch with `unavailable` once the watcher's queue is full), and the
/// client resumes after the last change it received, so it ends up with every change exactly once.
@Suite(.timeLimit(.minutes(3)))
struct WatchBackpressureTests {
    static let token = "watch-test-token"

    /// A server in this process with small buffers, so a slow reader falls behind in a few
    /// publishes instead of a few thousand; stopped by graceful shutdown at the end.
    static func withServer(_ body: (Int) async throws -> Void) async throws {
        var configuration = ServerConfiguration()
        configuration.port = 0
        configuration.publishToken = token
        configuration.watchQueueLimit = 4
        configuration.http2.settings.maxBufferedBodyPerStream = 8 << 10
        var logger = Logger(label: "tallyd-test")
        logger.logLevel = .warning
        let server = try await TallyServer(configuration: configuration, store: try SQLiteFigureStore(inMemoryWith: SyntheticFigures.make(count: 3, prefix: "seed")),
                                           logger: logger)
        try await server.start()
        let port = try #require(server.port)
        let group = ServiceGroup(services: [server], logger: logger)
        let running = Task { try await group.run() }
        do {
            try await body(port)
        } catch {
            await group.triggerGracefulShutdown()
            _ = try? await running.value
            throw error
        }
        await group.triggerGracefulShutdown()
        try await running.value
    }

    static func client(_ port: Int, window: UInt32? = nil) throws -> TallyClient {
        var configuration = TallyClient.Configuration(server: ServerAddress(secure: false, host: "127.0.0.1", port: port))
        if let window { configuration.http2.initialWindowSize = window }
        return try TallyClient(configuration: configuration)
    }

    @Test func aSlowWatcherGetsEveryChangeExactlyOnce() async throws {
        try await Self.withServer { port in
            let publishes = 200
            let watcher = try Self.client(port, window: 8 << 10)
            let received = Mutex<[(version: UInt64, id: String)]>([])
            let interruptions = Mutex<[String]>([])
            // The watcher takes its first change, then stops reading until every publish is done:
            // as slow a reader as can be, whatever the machine's speed.
            let (gate, open) = AsyncStream<Void>.makeStream()
            let watch = Task {
                try await watcher.resumingWatch(since: 1, onInterruption: { interruption in
                    interruptions.withLock { $0.append("\(interruption.error)") }
                }) { event in
                    guard case .change(let change) = event.event, case .upsert(let figure)? = change.kind else { return }
                    let count = received.withLock { received in
                        received.append((change.version, figure.id))
                        return received.count
                    }
                    if count == 1 { for await _ in gate { break } }
                }
            }

            let publisher = try Self.client(port)
            for index in 0..<publishes {
                var request = PublishRequest()
                request.figures = SyntheticFigures.make(count: 1, prefix: "watched-\(index)")
                let answer = try await publisher.publish(request, token: Self.token)
                #expect(answer.datasetVersion == UInt64(index) + 2)
            }
            open.yield()
            open.finish()

            let deadline = ContinuousClock.now + .seconds(90)
            while received.withLock({ $0.count }) < publishes && ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(50))
            }
            watch.cancel()
            _ = try? await watch.value
            await watcher.shutdown()
            await publisher.shutdown()

            let changes = received.withLock { $0 }
            #expect(changes.count == publishes, "received \(changes.count) changes")
            #expect(changes.map(\.version) == (0..<publishes).map { UInt64($0) + 2 }, "each version once, in order")
            #expect(changes.map(\.id) == (0..<publishes).map { "watched-\($0)-0" })
            let notes = interruptions.withLock { $0 }
            #expect(notes.contains { $0.contains("fell more than 4 publishes behind") },
                    "the watcher never fell behind, so the test proved nothing: \(notes)")
        }
    }
}
