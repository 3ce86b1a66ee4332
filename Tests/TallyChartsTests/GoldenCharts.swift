import Foundation
import Testing
import TallyCharts
import TallyCodec
import TallyDataset
import TallyModel
import TallyTestSupport

/// The charts kept as golden files in Golden/, one per kind of chart, drawn from the embedded
/// dataset (as version 1, what a fresh server serves) and from one hand-made answer that uses
/// every qualifier and quotes in source names. Regenerate with TALLY_UPDATE_GOLDEN=1 after an
/// intended change, look at the PNGs, and review the diff.
enum GoldenCharts {
    static let directory = RepositoryPaths.root.appendingPathComponent("Tests/TallyChartsTests/Golden")

    static let engine: TotalsEngine = TotalsEngine(figures: (try? EmbeddedDataset.load()) ?? [])

    static func totals(_ request: TotalsRequest, options: ChartOptions = ChartOptions()) throws -> Chart {
        let query = try WireConversions.query(request)
        return TotalsChart(request: request, response: WireConversions.response(engine.totals(query), version: 1), options: options).render()
    }

    static func window(_ text: String) -> Period { Period(text: text)! }

    static var all: [(name: String, chart: () throws -> Chart)] {
        [
            ("totals-by-article.svg", { try totals(TotalsRequest(jurisdiction: "RU", measure: "cases_received_by_courts",
                                                                 window: window("2022-09-01..2025-05-31"), breakdown: .article)) }),
            ("totals-by-jurisdiction.svg", { try totals(TotalsRequest(jurisdiction: "RU", measure: "cases_received_by_courts",
                                                                      window: window("2025-01-01..2025-05-31"), breakdown: .jurisdiction)) }),
            ("totals-by-year.svg", { try totals(TotalsRequest(jurisdiction: "RU", measure: "cases_received_by_courts",
                                                              window: window("2022-09-01..2025-05-31"), breakdown: .year)) }),
            ("totals-lower-bound.svg", { try totals(TotalsRequest(jurisdiction: "RU", measure: "convictions",
                                                                  window: window("2022-02-24..2023-12-31"), breakdown: .article)) }),
            ("totals-qualifiers.svg", { TotalsChart(request: qualifiersRequest, response: qualifiersResponse).render() }),
            ("series-received.svg", {
                SeriesChart(series: engine.series(SeriesQuery(jurisdiction: "RU", measure: "cases_received_by_courts")), datasetVersion: 1).render()
            }),
            ("series-lower-bound.svg", {
                SeriesChart(series: engine.series(SeriesQuery(jurisdiction: "RU", measure: "convictions")), datasetVersion: 1).render()
            }),
        ]
    }

    static let qualifiersRequest = TotalsRequest(jurisdiction: "UA", measure: "criminal_cases_opened", window: window("2024-12-01..2025-05-31"), breakdown: .source)

    /// A by-source answer written by hand: a range, an approximation, an upper bound, a lower bound,
    /// a derived row and a row without a value; producers with quotes, ampersands and angle brackets.
    static var qualifiersResponse: TotalsResponse {
        func citation(_ producer: String, _ outlet: String) -> Citation {
            Citation(producer: producer, outlet: outlet, published: Day(iso: "2025-06-30"), document: "d", quote: "q")
        }
        let figures = [
            Figure(id: "a", category: .prosecution, jurisdiction: "UA", measure: "criminal_cases_opened", period: window("2024-12-01..2025-05-31"),
                   kind: .count, value: .range(90_000, 120_000), citations: [citation("Office of the Prosecutor General of Ukraine", "Kyiv Independent")]),
            Figure(id: "b", category: .prosecution, jurisdiction: "UA", measure: "criminal_cases_opened", period: window("2024-12-01..2025-05-31"),
                   kind: .count, value: Quantity(qualifier: .about, low: 100_000), citations: [citation("\"Dozor\" & <Partners>", "O'Neill's Weekly")]),
        ]
        func row(_ label: String, _ value: Quantity, _ indexes: [UInt32], derived: Bool = false, arithmetic: String = "") -> Total {
            var total = Total()
            total.label = label
            total.value = value
            total.figureIndexes = indexes
            total.derived = derived
            total.arithmetic = arithmetic.isEmpty ? value.description : arithmetic
            total.period = window("2024-12-01..2025-05-31")
            return total
        }
        var response = TotalsResponse()
        response.total = row("", .range(90_000, 120_000), [0])
        response.breakdown = [
            row("Office of the Prosecutor General of Ukraine", .range(90_000, 120_000), [0]),
            row("\"Dozor\" & <Partners>", Quantity(qualifier: .about, low: 100_000), [1]),
            row("At most, derived", Quantity(qualifier: .atMost, low: 30_000), [0, 1], derived: true, arithmetic: "(120,000 − 90,000) = at most 30,000"),
            row("Lower bound", Quantity(qualifier: .moreThan, low: 60_000), [1]),
            row("Nobody", Quantity(), [], arithmetic: "not available: Nobody's figures do not cover the window"),
        ]
        response.figures = figures
        response.datasetVersion = 7
        return response
    }

    /// Compares with the golden file, or writes it under TALLY_UPDATE_GOLDEN=1.
    static func expectGolden(_ name: String, _ chart: Chart) throws {
        let file = directory.appendingPathComponent(name)
        if ProcessInfo.processInfo.environment["TALLY_UPDATE_GOLDEN"] == "1" {
            try Data(chart.svg.utf8).write(to: file)
            return
        }
        let expected = try String(contentsOf: file, encoding: .utf8)
        #expect(chart.svg == expected, "\(name) differs from the golden file; rerun with TALLY_UPDATE_GOLDEN=1, look at the PNG and review the diff")
    }
}
