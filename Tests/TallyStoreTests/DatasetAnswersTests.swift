import Testing
import TallyCodec
import TallyDataset
import TallyModel
import TallyStore
import TallyTestSupport

/// The answers computed through the store (queries that select and group in the database) are the
/// answers computed over every figure in memory, the way the first version did it: the in-memory
/// functions serve as the oracle.
@Suite(.droppingTestDatabases) struct DatasetAnswersTests {
    static func datasets() throws -> [[Figure]] {
        var mixed = SyntheticFigures.make(count: 300, prefix: "s", seed: 9)
        // Repeated statements and parts of a whole, so the consistency report has something to say.
        for index in 0..<40 {
            var twin = mixed[index]
            twin.id += "-twin"
            twin.value = .exact(Int64(index) * 3 + 1)
            mixed.append(twin)
        }
        return [try EmbeddedDataset.load(), mixed]
    }

    @Test(arguments: StoreBackend.allCases)
    func figuresPagesMatchTheInMemoryFilter(_ backend: StoreBackend) async throws {
        for dataset in try Self.datasets() {
            let store = try await backend.make(seed: dataset)
            let answers = DatasetAnswers(reader: try await store.reader())
            let all = try await store.allFigures()
            var requests: [FiguresRequest] = []
            for limit: UInt32 in [0, 3, 1_000] {
                var request = FiguresRequest()
                request.limit = limit
                requests.append(request)
                request.jurisdiction = "RU"
                request.measure = dataset.first!.measure
                requests.append(request)
                request.articles = ["337"]
                requests.append(request)
                request.producer = dataset.first!.citations[0].producer
                request.overlapping = Period(text: "2023-01-01..2023-06-30")
                requests.append(request)
            }
            for request in requests {
                var pageRequest = request
                while true {
                    let page = try await answers.figures(pageRequest)
                    #expect(page == (try WireConversions.figuresPage(pageRequest, from: all, version: 1)), "\(pageRequest)")
                    guard !page.nextPageToken.isEmpty else { break }
                    pageRequest.pageToken = page.nextPageToken
                }
            }
            var pastTheEnd = FiguresRequest()
            pastTheEnd.pageToken = "after:\u{10FFFF}"
            #expect(try await answers.figures(pastTheEnd).figures.isEmpty)
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func sourcesAndConsistencyMatchTheInMemoryReport(_ backend: StoreBackend) async throws {
        for dataset in try Self.datasets() {
            let store = try await backend.make(seed: dataset)
            let answers = DatasetAnswers(reader: try await store.reader())
            let all = try await store.allFigures()
            #expect(try await answers.sources() == WireConversions.sources(all, version: 1))
            let report = try await answers.consistency()
            #expect(report == WireConversions.report(ConsistencyCheck.findings(in: all), version: 1))
            #expect(!report.findings.isEmpty)
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func totalsMatchAnEngineOverEveryFigure(_ backend: StoreBackend) async throws {
        let dataset = try EmbeddedDataset.load()
        let store = try await backend.make(seed: dataset)
        let answers = DatasetAnswers(reader: try await store.reader())
        let engine = TotalsEngine(figures: try await store.allFigures())
        for request in [
            TotalsRequest(jurisdiction: "RU", measure: "cases_received_by_courts", window: Period(text: "2022-09-01..2025-05-31"), breakdown: .article),
            TotalsRequest(jurisdiction: "RU", measure: "convictions", window: Period(text: "2023-01-01..2023-12-31")),
            TotalsRequest(jurisdiction: "UA", measure: "cases_received_by_courts", breakdown: .year),
            TotalsRequest(jurisdiction: "", measure: "cases_received_by_courts", breakdown: .jurisdiction),
        ] {
            let expected = WireConversions.response(engine.totals(try WireConversions.query(request)), version: 1)
            #expect(try await answers.totals(request) == expected, "\(request)")
        }
    }

    /// The report carried across publishes by rechecking only the touched groups is the report
    /// computed afresh.
    @Test(arguments: StoreBackend.allCases)
    func findingsCarriedAcrossPublishesMatchAFreshReport(_ backend: StoreBackend) async throws {
        let dataset = try Self.datasets()[1]
        let store = try await backend.make(seed: dataset)
        var findings = try await ConsistencyFindings(reader: try await store.reader())
        var rng = SeededRandom(seed: 11)
        for round in 0..<6 {
            let current = try await store.allFigures()
            var changed = (0..<4).map { _ in current.randomElement(using: &rng)! }
            for index in changed.indices { changed[index].value = .exact(Int64.random(in: 0...50, using: &rng)) }
            changed = Array(Dictionary(changed.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a }).values)
            var twin = changed[0]
            twin.id = "round-\(round)"
            let retract = current.first { figure in !changed.contains { $0.id == figure.id } }!.id
            let result = try await store.publish(PublishBatch(figures: changed + [twin], retractIDs: [retract]))
            let reader = try await store.reader()
            findings = try await findings.updated(by: changed + [twin], replacing: result.replaced, reader: reader)
            let fresh = WireConversions.report(ConsistencyCheck.findings(in: try await reader.allFigures()), version: reader.state.version)
            #expect(findings.report(version: reader.state.version) == fresh, "round \(round)")
        }
    }
}
