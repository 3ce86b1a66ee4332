import Foundation
import Testing
import TallyClient
import TallyCodec
import TallyModel
import TallyStore
import TallyTestSupport

/// The client library against a real tallyd: sync, offline answers, publish, watch.
@Suite(.serialized, .timeLimit(.minutes(3)))
final class SyncEndToEndTests {
    let server: TallydProcess
    let client: TallyClient
    let directory: URL
    var snapshotPath: String { directory.appendingPathComponent("snapshot.sqlite").path }
    static let token = "e2e-token"

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("client-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let tokenFile = directory.appendingPathComponent("token")
        try Data(Self.token.utf8).write(to: tokenFile)
        server = try TallydProcess(arguments: ["--publish-token-file", tokenFile.path])
        client = try TallyClient(configuration: .init(server: ServerAddress(secure: false, host: "127.0.0.1", port: server.port)))
    }

    deinit {
        server.stop()
        try? FileManager.default.removeItem(at: directory)
    }

    static let questions: [TotalsRequest] = [
        TotalsRequest(jurisdiction: "RU", measure: "cases_received_by_courts", window: Period(text: "2022-09-01..2025-05-31"), breakdown: .article),
        TotalsRequest(jurisdiction: "RU", measure: "cases_received_by_courts", window: Period(text: "2024-06-01..2024-12-31")),
        TotalsRequest(jurisdiction: "RU", measure: "convictions", window: Period(text: "2023-01-01..2023-12-31")),
        TotalsRequest(jurisdiction: "UA", measure: "cases_received_by_courts", breakdown: .year),
        TotalsRequest(jurisdiction: "RU", measure: "convictions", articles: ["332"], window: Period(text: "2018-01-01..2023-12-31"), breakdown: .source),
    ]

    @Test func sameAnswersOnlineAndOfflineAfterASync() async throws {
        let report = try await SnapshotSync(client: client, path: snapshotPath).sync()
        #expect(report.kind == .full)
        #expect(report.figuresTransferred >= 40)
        let offline = try await OfflineDataset(path: snapshotPath)
        for question in Self.questions {
            #expect(try await client.totals(question) == offline.totals(question))
        }
        #expect(try await client.sources() == offline.sources())
        #expect(try await client.consistency() == offline.consistency())
        var all = FiguresRequest()
        all.limit = 1_000
        #expect(try await client.figures(all) == offline.figures(all))
        var page = FiguresRequest()
        page.limit = 7
        page.producer = "Mediazona"
        #expect(try await client.figures(page) == offline.figures(page))
        await client.shutdown()
    }

    /// After a publish, sync transfers only the change, the totals move, and Watch saw it; a second
    /// sync transfers nothing.
    @Test func publishThenDeltaSyncAndWatch() async throws {
        let sync = SnapshotSync(client: client, path: snapshotPath)
        _ = try await sync.sync()
        let question = TotalsRequest(jurisdiction: "UA", measure: "cases_received_by_courts", window: Period(text: "2024-01-01..2024-12-31"))
        #expect(try await OfflineDataset(path: snapshotPath).totals(question).total == nil)

        let client = self.client
        let watched = Task { () throws -> Change? in
            var first: Change?
            do {
                try await client.watch(since: 1) { event in
                    if case .change(let change) = event.event {
                        first = change
                        throw CancellationError()
                    }
                }
            } catch is CancellationError {}
            return first
        }
        try await Task.sleep(for: .milliseconds(300))

        var request = PublishRequest()
        request.figures = [Figure(id: "test-ua-2024", category: .prosecution, jurisdiction: "UA", measure: "cases_received_by_courts",
                                  period: Period(text: "2024-01-01..2024-12-31")!, kind: .count, value: .exact(5_000),
                                  citations: [Citation(producer: "Test", outlet: "Tally tests", document: "test", quote: "5,000 cases")])]
        let published = try await client.publish(request, token: Self.token)
        #expect(published.datasetVersion == 2)

        let report = try await sync.sync()
        #expect(report.kind == .delta)
        #expect(report.figuresTransferred == 1)
        #expect(report.toVersion == 2)
        let offline = try await OfflineDataset(path: snapshotPath)
        #expect(offline.version == 2)
        #expect(try await offline.totals(question).total?.value == .exact(5_000))
        #expect(try await client.totals(question) == offline.totals(question))

        let again = try await sync.sync()
        #expect(again.kind == .upToDate)
        #expect(again.figuresTransferred == 0)

        let change = try await watched.value
        if case .upsert(let figure) = change?.kind { #expect(figure.id == "test-ua-2024") } else { Issue.record("watch saw \(String(describing: change))") }
        await client.shutdown()
    }

    @Test func wrongTokenIsRefusedAndNothingChanges() async throws {
        var request = PublishRequest()
        request.retractIDs = ["mz-2025-06-ru-received-total"]
        await #expect(throws: TallyClientError.self) { try await client.publish(request, token: "wrong") }
        #expect(try await client.health().datasetVersion == 1)
        await client.shutdown()
    }
}

extension SyncEndToEndTests {
    /// A batch that retracts one figure, replaces another and adds a third arrives as a delta; the
    /// merged copy must reproduce the server's digest, or sync would have fallen back to a full one.
    @Test func mixedBatchArrivesAsAVerifiedDelta() async throws {
        let sync = SnapshotSync(client: client, path: snapshotPath)
        _ = try await sync.sync()
        var replaced = try #require(try await LocalCopy.open(path: snapshotPath).allFigures().first { $0.id == "mz-2023-12-ru-tried-2023" })
        replaced.value = .exact(5_594)
        replaced.revision = 0
        var request = PublishRequest()
        request.figures = [replaced, Figure(id: "zz-last-id", category: .prosecution, jurisdiction: "RU", measure: "verdicts",
                                            period: Period(text: "2025-05-01..2025-05-31")!, kind: .count, value: .exact(700),
                                            citations: [Citation(producer: "Test", outlet: "Tally tests", document: "test", quote: "700")])]
        request.retractIDs = ["bloggers-2022-ru-refusing-share"]
        _ = try await client.publish(request, token: Self.token)
        let report = try await sync.sync()
        #expect(report.kind == .delta)
        #expect(report.figuresTransferred == 2)
        #expect(report.retractions == 1)
        let local = try await LocalCopy.open(path: snapshotPath).allFigures()
        #expect(local.contains { $0.id == "zz-last-id" })
        #expect(!local.contains { $0.id == "bloggers-2022-ru-refusing-share" })
        #expect(local.first { $0.id == replaced.id }?.value == .exact(5_594))
        await client.shutdown()
    }
}
