import Foundation
import Logging
import NIOCore
import ServiceLifecycle
import Testing
import TallyClient
import TallyCodec
import TallyServer
import TallyStore
import TallyTestSupport

/// A full download takes as long as the dataset and the client need; it has no server deadline
/// unless the client sends one (as Watch). With the 30 s default applied to it, the 1M-figure
/// sync benchmark failed with `deadline_exceeded` on a loaded machine. Here the default is 200 ms
/// and the client reads a snapshot of many batches slowly, well past it.
@Suite(.timeLimit(.minutes(2)))
struct SnapshotDeadlineTests {
    @Test func aSlowFullDownloadOutlivesTheDefaultDeadline() async throws {
        var logger = Logger(label: "snapshot-deadline-test")
        logger.logLevel = .critical
        var configuration = ServerConfiguration()
        configuration.port = 0
        configuration.defaultDeadline = .milliseconds(200)
        // About 12 batches of FigureBatch's 256 KiB, several times the client's stream window
        // compressed: the server can finish only as fast as the client reads.
        let store = try SQLiteFigureStore(inMemoryWith: CourtRecordFigures.make(count: 10_000))
        let server = try await TallyServer(configuration: configuration, store: store, logger: logger)
        try await server.start()
        let group = ServiceGroup(services: [server], logger: logger)
        let running = Task { try await group.run() }

        var clientConfiguration = TallyClient.Configuration(server: ServerAddress(secure: false, host: "127.0.0.1", port: server.port!))
        clientConfiguration.retries = 0
        let client = try TallyClient(configuration: clientConfiguration)
        let started = ContinuousClock.now
        var messages = 0
        try await client.snapshot { _ in
            messages += 1
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(messages >= 10, "the header and every batch")
        #expect(ContinuousClock.now - started > .milliseconds(800), "read well past the default deadline")
        await client.shutdown()
        await group.triggerGracefulShutdown()
        try await running.value
    }
}
