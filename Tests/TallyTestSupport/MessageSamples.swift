public import TallyCodec
public import TallyModel

/// One instance of every schema message with every field set to a value that is not its default,
/// plus one per branch of each oneof. The interop test hands these to Python's protobuf, which
/// checks that every field arrived; the golden tests use them as expected values.
public enum MessageSamples {
    public static let period = Period(start: Day(year: 2022, month: 9, day: 1)!, end: Day(year: 2025, month: 5, day: 31)!)

    public static let citation = Citation(
        producer: "Mediazona",
        outlet: "Kyiv Independent",
        published: Day(year: 2025, month: 6, day: 30)!,
        document: "002_7d91648fecd0b95d.txt",
        quote: "The majority of these prosecutions, a total of 18,159 cases, fall under Article 337 …",
        url: "https://example.org/mediazona-2025-06"
    )

    public static let figure = Figure(
        id: "mz-2025-06-ru-337-received",
        revision: 300,
        category: .prosecution,
        jurisdiction: "RU",
        measure: "cases_received_by_courts",
        articles: ["337", "338"],
        period: period,
        kind: .rate,
        rateUnit: .perWorkingDay,
        value: Quantity(qualifier: .range, low: -700, high: 800),
        citations: [citation, Citation(producer: "Проект", outlet: "The Moscow Times", published: Day(year: 1969, month: 12, day: 1)!,
                                       document: "001", quote: "«ёж» 🦔", url: "u")],
        note: "Intake, not convictions."
    )

    public static let total: Total = {
        var t = Total()
        t.label = "337"
        t.value = Quantity(qualifier: .atLeast, low: 20_662, high: 1)
        t.figureIndexes = [0, 1, 300, 70_000]
        t.derived = true
        t.arithmetic = "20,662 − 18,159 − 1,369 − 1,010 = 124"
        t.period = period
        return t
    }()

    public static let change = Change(version: 7, kind: .upsert(figure))

    /// Samples of every message; for oneofs, one sample per branch.
    public static let all: [any WireMessage] = [
        Quantity(qualifier: .about, low: 1_000, high: -5),
        period,
        citation,
        figure,
        TotalsRequest(jurisdiction: "RU", measure: "cases_received_by_courts", articles: ["337", "332"], window: period, breakdown: .article),
        TotalsRequest(jurisdiction: "UA", measure: "cases_received_by_courts", articles: ["407"], window: period, breakdown: .jurisdiction),
        total,
        Candidate(figureIndex: 3, reason: "period 2024-01-01..2024-12-31 overlaps the window without covering it"),
        {
            var r = TotalsResponse()
            r.total = total
            r.breakdown = [total, total]
            r.figures = [figure]
            r.candidates = [Candidate(figureIndex: 1, reason: "rate, not a count")]
            r.datasetVersion = 12
            return r
        }(),
        {
            var r = FiguresRequest()
            r.jurisdiction = "UA"
            r.measure = "criminal_cases_opened"
            r.articles = ["407", "408"]
            r.overlapping = period
            r.category = .context
            r.producer = "Office of the Prosecutor General"
            r.limit = 50
            r.pageToken = "after:mz-2025"
            return r
        }(),
        {
            var r = FiguresResponse()
            r.figures = [figure, figure]
            r.nextPageToken = "after:mz-2025-06"
            r.datasetVersion = 1 << 40
            return r
        }(),
        SourcesRequest(),
        sourceSummary,
        {
            var r = SourcesResponse()
            r.sources = [sourceSummary]
            r.datasetVersion = 3
            return r
        }(),
        ConsistencyRequest(),
        finding,
        statedValue,
        {
            var r = ConsistencyReport()
            r.findings = [finding]
            r.datasetVersion = 4
            return r
        }(),
        SnapshotRequest(schemaVersion: DatasetSchema.current),
        {
            var h = SnapshotHeader()
            h.schemaVersion = 2
            h.datasetVersion = 42
            h.digest = Array(0..<32)
            h.figureCount = 1_000_000
            return h
        }(),
        FigureBatch(encodings: [figure.wireBytes(), figure.wireBytes()]),
        ChangesRequest(sinceVersion: 40),
        {
            var h = ChangesHeader()
            h.schemaVersion = 2
            h.fromVersion = 40
            h.toVersion = 42
            h.digest = Array(repeating: 0xAB, count: 32)
            h.snapshotRequired = true
            h.changeCount = 2
            return h
        }(),
        change,
        Change(version: 8, kind: .retracted(id: "mz-2024-06-ru-total")),
        {
            var r = PublishRequest()
            r.figures = [figure]
            r.retractIDs = ["old-1", "old-2"]
            r.expectedVersion = 41
            r.comment = "Mediazona update, June 2025"
            return r
        }(),
        {
            var r = PublishResponse()
            r.datasetVersion = 42
            r.digest = [1, 2, 3]
            r.upserted = 1
            r.retracted = 2
            return r
        }(),
        WatchRequest(sinceVersion: 41),
        Heartbeat(datasetVersion: 42),
        WatchEvent(.change(change)),
        WatchEvent(.heartbeat(Heartbeat(datasetVersion: 9))),
        HealthRequest(),
        health,
        FieldViolation(field: "figures[3].period.end_day", description: "ends before it starts"),
        Status(code: .invalidArgument, message: "publish batch rejected",
               violations: [FieldViolation(field: "figures[0].value", description: "negative")],
               retryAfterMilliseconds: 250),
    ]

    public static let health: HealthResponse = {
        var r = HealthResponse()
        r.status = .draining
        r.datasetVersion = 42
        r.digest = [0xFF]
        r.serverVersion = "tallyd 0.1.0"
        r.uptimeSeconds = 12.5
        return r
    }()

    static let sourceSummary: SourceSummary = {
        var s = SourceSummary()
        s.producer = "Mediazona"
        s.outlets = ["Kyiv Independent", "The Moscow Times"]
        s.figureCount = 17
        s.firstPublished = Day(year: 2023, month: 7, day: 1)!
        s.lastPublished = Day(year: 2025, month: 6, day: 30)!
        return s
    }()

    static let finding: Finding = {
        var f = Finding()
        f.kind = .partsDoNotAddUp
        f.summary = "337 + 332 + 338 = 20,538 of 20,662"
        f.figureIDs = ["a", "b"]
        f.difference = Quantity(qualifier: .range, low: 124, high: 130)
        f.statedValues = [statedValue]
        return f
    }()

    static let statedValue = StatedValue(value: .range(20_538, 20_662), figureIDs: ["a", "c"])
}
