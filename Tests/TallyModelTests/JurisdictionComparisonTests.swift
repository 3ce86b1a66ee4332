import Testing
import TallyModel

/// `--by jurisdiction`: each jurisdiction answered from its own figures for one window, never added.
@Suite struct JurisdictionComparisonTests {
    func figure(_ id: String, _ jurisdiction: String, _ period: String, _ value: Quantity, articles: [String] = [], producer: String = "P") -> Figure {
        Figure(id: id, category: .prosecution, jurisdiction: jurisdiction, measure: "cases_received_by_courts", articles: articles,
               period: Period(text: period)!, kind: .count, value: value,
               citations: [Citation(producer: producer, outlet: "O", document: "d", quote: "q")])
    }

    var engine: TotalsEngine {
        TotalsEngine(figures: [
            figure("ru-long", "RU", "2022-09-01..2025-05-31", .exact(20_000)),
            figure("ru-short", "RU", "2025-01-01..2025-05-31", .exact(4_000)),
            figure("ua-short-a", "UA", "2025-01-01..2025-02-28", .exact(900), producer: "Q"),
            figure("ua-short-b", "UA", "2025-03-01..2025-05-31", Quantity(qualifier: .moreThan, low: 1_400), producer: "Q"),
        ])
    }

    func ask(_ window: String?, first: String = "RU") -> TotalsAnswer {
        engine.totals(TotalsQuery(jurisdiction: first, measure: "cases_received_by_courts", window: window.map { Period(text: $0)! }, breakdown: .jurisdiction))
    }

    @Test func rowsPerJurisdictionWithTheirOwnFiguresAndNoTotal() throws {
        let answer = ask("2025-01-01..2025-05-31")
        #expect(answer.total == nil)
        #expect(answer.breakdown.map(\.label) == ["RU", "UA"])
        #expect(answer.breakdown[0].value == .exact(4_000))
        #expect(answer.breakdown[0].figures.map(\.id) == ["ru-short"])
        // Two Ukrainian figures tile the window; a lower bound plus an exact number is "at least".
        #expect(answer.breakdown[1].value == Quantity(qualifier: .atLeast, low: 2_300))
        #expect(answer.breakdown[1].figures.map(\.id) == ["ua-short-a", "ua-short-b"])
        #expect(answer.breakdown.allSatisfy { $0.period == Period(text: "2025-01-01..2025-05-31") })
    }

    @Test func theQueriedJurisdictionComesFirst() {
        #expect(ask("2025-01-01..2025-05-31", first: "UA").breakdown.map(\.label) == ["UA", "RU"])
        #expect(ask("2025-01-01..2025-05-31", first: "").breakdown.map(\.label) == ["RU", "UA"])
    }

    /// Without a window: the widest one both answer, not Russia's widest (which Ukraine cannot).
    @Test func withoutAWindowTheWidestCommonOneIsUsed() {
        let answer = ask(nil)
        #expect(answer.window == Period(text: "2025-01-01..2025-05-31"))
        #expect(answer.breakdown.allSatisfy { $0.value != nil })
    }

    @Test func aJurisdictionWithoutFiguresSaysSo() throws {
        let answer = ask("2022-09-01..2025-05-31")
        #expect(answer.breakdown[0].value == .exact(20_000))
        let ukraine = answer.breakdown[1]
        #expect(ukraine.value == nil)
        #expect(ukraine.arithmetic == "not available: no figures for Ukraine cover 2022-09-01..2025-05-31 without overlap")
        // The nearest Ukrainian figures are shown, each once.
        #expect(answer.candidates.contains { $0.figure.id == "ua-short-a" })
        #expect(Set(answer.candidates.map(\.figure.id)).count == answer.candidates.count)
    }

    @Test func aMeasureNobodyCountsHasNoWindowAndNoValues() {
        let answer = engine.totals(TotalsQuery(jurisdiction: "RU", measure: "verdicts", breakdown: .jurisdiction))
        #expect(answer.window == nil)
        #expect(answer.breakdown.map(\.label) == ["RU", "UA"])
        #expect(answer.breakdown.allSatisfy { $0.value == nil })
    }
}
