import Testing
import TallyModel

@Suite struct FigureValidationTests {
    let valid = Figure(
        id: "mz-2025-06-ru-received-337", category: .prosecution, jurisdiction: "RU", measure: "cases_received_by_courts",
        articles: ["337"], period: Period(text: "2022-09-01..2025-05-31")!, kind: .count, value: .exact(18_159),
        citations: [Citation(producer: "Mediazona", outlet: "Kyiv Independent", document: "000.txt", quote: "18,159 were related")]
    )

    private func problems(_ change: (inout Figure) -> Void) -> [String] {
        var figure = valid
        change(&figure)
        return figure.violations().map { "\($0.field): \($0.problem)" }
    }

    @Test func validFigureHasNoViolations() {
        #expect(valid.violations().isEmpty)
    }

    @Test func eachProblemNamesItsField() {
        #expect(problems { $0.jurisdiction = "BY" } == ["jurisdiction: unknown jurisdiction 'BY' (known: RU, UA)"])
        #expect(problems { $0.articles = ["407"] } == ["articles[0]: unknown article '407' for RU"])
        #expect(problems { $0.articles = ["337", "337"] } == ["articles[1]: article '337' listed twice"])
        #expect(problems { $0.period = Period(text: "2025-05-31..2022-09-01")! } == ["period.end_day: ends (2022-09-01) before it starts (2025-05-31)"])
        #expect(problems { $0.value = .exact(-1) } == ["value.low: negative value -1"])
        #expect(problems { $0.value = .range(800, 700) } == ["value.high: range 800 to 700: low is above high"])
        #expect(problems { $0.kind = .rate } == ["rate_unit: a rate needs a unit (per day, working day, week, month or year)"])
        #expect(problems { $0.citations = [] } == ["citations: missing: a figure needs at least one source"])
        #expect(problems { $0.citations[0].quote = "" } == ["citations[0].quote: missing: the sentence that states the number"])
        #expect(problems { $0.measure = "arrests" } == ["measure: unknown measure 'arrests'"])
        #expect(problems { $0.category = .context } == ["category: measure 'cases_received_by_courts' is prosecution, not context"])
        #expect(problems { $0.id = "Bad ID" } == ["id: may contain only a-z, 0-9, '-', '.' and '_'"])
        #expect(problems { $0.value = Quantity(qualifier: .unrecognized(9), low: 1) } == ["value.qualifier: unknown qualifier 9"])
    }

    @Test func batchValidationFindsDuplicateIDsAndKeepsPositions() {
        var second = valid
        second.value = .exact(-5)
        let violations = [valid, second].violations()
        #expect(violations.map(\.path) == ["figures[1].value.low", "figures[1].id"])
        #expect(violations[1].problem == "duplicate of figures[0]")
    }
}
