import Testing
import TallyDataset
import TallyModel

/// Totals computed from the embedded dataset, checked against what the seed articles imply when
/// read by hand. Each case is a question a journalist would ask.
@Suite struct SeedTotalsTests {
    let engine: TotalsEngine

    init() throws {
        engine = TotalsEngine(figures: try EmbeddedDataset.load())
    }

    private func window(_ text: String) -> Period { Period(text: text)! }

    private func ask(_ measure: String, _ window: String?, articles: [String] = [], jurisdiction: String = "RU",
                     breakdown: TotalsQuery.Breakdown = .none) -> TotalsAnswer {
        engine.totals(TotalsQuery(jurisdiction: jurisdiction, measure: measure, articles: articles,
                                  window: window.map { Period(text: $0)! }, breakdown: breakdown))
    }

    /// The example: intake since mobilisation by article, with the unattributed remainder;
    /// 20,662 is chosen over 20,538 and "more than 20,000", which are never added to it.
    @Test func intakeSinceMobilisationByArticle() throws {
        let answer = ask("cases_received_by_courts", "2022-09-01..2025-05-31", breakdown: .article)
        let total = try #require(answer.total)
        #expect(total.value == .exact(20_662))
        #expect(total.figures.map(\.id) == ["mz-2025-06-ru-received-total"])
        let rows = Dictionary(uniqueKeysWithValues: answer.breakdown.map { ($0.label, $0.value) })
        #expect(rows["337"] == .exact(18_159))
        #expect(rows["332"] == .exact(1_369))
        #expect(rows["338"] == .exact(1_010))
        #expect(rows["unattributed"] == .exact(124))
        #expect(answer.breakdown.map(\.label) == ["332", "337", "338", "unattributed"])
        // The other statements of the same number are shown, and why they were not added.
        let missed = Dictionary(uniqueKeysWithValues: answer.candidates.map { ($0.figure.id, $0.reason) })
        #expect(missed["mz-2025-06-ru-received-total-ki"]?.contains("a conflicting statement of the same number") == true)
        #expect(missed["mz-2025-06-ru-received-over-20000"]?.contains("another statement of the same number") == true)
    }

    /// Convictions are a different counted thing and never mix into intake.
    @Test func convictionsNeverMixIntoIntake() throws {
        let intake = try #require(ask("cases_received_by_courts", "2022-09-01..2025-05-31").total)
        #expect(!intake.figures.contains { $0.measure != "cases_received_by_courts" })
        let convictions = try #require(ask("convictions", "2022-09-01..2025-05-31").total)
        #expect(convictions.value == .exact(17_721))
    }

    @Test func threeArticlesTogetherAreAddedArticleByArticle() throws {
        let total = try #require(ask("cases_received_by_courts", "2022-09-01..2025-05-31", articles: ["337", "332", "338"]).total)
        #expect(total.value == .exact(20_538))
        #expect(total.figures.count == 3)
    }

    /// Nested figures with the same end: September 2022 to December 2024 = 20,662 − 4,350.
    @Test func derivedFromNestedFiguresSharingAnEnd() throws {
        let total = try #require(ask("cases_received_by_courts", "2022-09-01..2024-12-31").total)
        #expect(total.value == .exact(16_312))
        #expect(total.isDerived)
        #expect(Set(total.figures.map(\.id)) == ["mz-2025-06-ru-received-total", "mz-2025-06-ru-received-2025-jan-may"])
        #expect(total.arithmetic == "(20,662 − 4,350) = 16,312")
    }

    /// Nested figures with the same start: June 2024 to May 2025 = 20,662 − 10,025.
    @Test func derivedFromNestedFiguresSharingAStart() throws {
        let total = try #require(ask("cases_received_by_courts", "2024-06-01..2025-05-31").total)
        #expect(total.value == .exact(10_637))
        #expect(total.isDerived)
    }

    /// A window inside a figure, with the rest covered on both sides: 20,662 − 10,025 − 4,350.
    @Test func derivedByRemovingBothSides() throws {
        let total = try #require(ask("cases_received_by_courts", "2024-06-01..2024-12-31").total)
        #expect(total.value == .exact(6_287))
        #expect(total.arithmetic == "(20,662 − 10,025 − 4,350) = 6,287")
    }

    @Test func publishedFigureForTheExactWindow() throws {
        #expect(ask("cases_received_by_courts", "2022-09-01..2024-05-31").total?.value == .exact(10_025))
        #expect(ask("cases_received_by_courts", "2025-01-01..2025-05-31").total?.value == .exact(4_350))
        #expect(ask("cases_received_by_courts", "2025-01-01..2025-05-31", jurisdiction: "UA").total?.value == .exact(2_355))
        #expect(ask("verdicts", "2025-04-01..2025-04-30").total?.value == .exact(848))
    }

    /// Two consecutive periods of the same article tile 2018–2023: 9 + 289.
    @Test func consecutiveFiguresTileTheWindow() throws {
        let total = try #require(ask("convictions", "2018-01-01..2023-12-31", articles: ["332"]).total)
        #expect(total.value == .exact(298))
        #expect(total.arithmetic == "9 + 289 = 298")
    }

    /// Rates and projections are never summed into counts: 2023 convictions are not available, and
    /// the answer says what exists instead.
    @Test func ratesAreNeverSummedIntoCounts() throws {
        let answer = ask("convictions", "2023-01-01..2023-12-31")
        #expect(answer.total == nil)
        let reasons = Dictionary(uniqueKeysWithValues: answer.candidates.map { ($0.figure.id, $0.reason) })
        #expect(reasons["mz-2023-12-ru-convictions-rate-2023"] == "a rate (about 100 per week): rates are never summed into counts")
        #expect(reasons["ukdi-2023-ru-convictions-projection"] == "a projection (about 5,200), not a count of what happened")
        #expect(reasons["proekt-2024-02-ru-convictions-total"]?.hasPrefix("covers 2022-02-24..2023-12-31, more than the window") == true)
    }

    /// A cumulative figure is never cut down to a window inside it without a figure for the rest.
    @Test func cumulativeFiguresAreNotCut() throws {
        let answer = ask("convictions", "2022-09-01..2023-12-31")
        #expect(answer.total == nil)
        #expect(!answer.candidates.isEmpty)
    }

    @Test func qualifiersCarryThrough() throws {
        let answer = ask("convictions", "2022-02-24..2023-12-31", breakdown: .article)
        #expect(answer.total?.value == Quantity(qualifier: .moreThan, low: 4_600))
        let rows = Dictionary(uniqueKeysWithValues: answer.breakdown.map { ($0.label, $0) })
        #expect(rows["337"]?.value == .exact(4_373))
        // "More than 4,600" minus a number says nothing: the remainder is not invented.
        #expect(rows["unattributed"]?.value == nil)
    }

    @Test func contextFiguresNeverMakeATotal() {
        let answer = ask("recruits", "2025-06-01..2025-06-30")
        #expect(answer.total == nil)
        #expect(answer.candidates.first?.figure.id == "zelensky-2025-06-ru-recruits-rate")
    }

    @Test func byYearShowsWhatIsKnownAndWhatIsNot() {
        let answer = ask("cases_received_by_courts", "2022-09-01..2025-05-31", breakdown: .year)
        #expect(answer.breakdown.map(\.label) == ["2022", "2023", "2024", "2025"])
        #expect(answer.breakdown.map(\.value) == [nil, nil, nil, .exact(4_350)])
        #expect(answer.breakdown[0].arithmetic.hasPrefix("not available"))
    }

    @Test func bySourceGivesEachProducersOwnTotal() {
        let answer = ask("convictions", "2022-02-24..2023-12-31", articles: ["337"], breakdown: .source)
        #expect(answer.breakdown.map(\.label) == ["Proekt"])
        #expect(answer.breakdown.first?.value == .exact(4_373))
    }

    @Test func withoutAWindowTheWidestPeriodIsUsed() {
        let answer = ask("cases_received_by_courts", nil)
        #expect(answer.window == Period(text: "2022-09-01..2025-05-31"))
        #expect(answer.total?.value == .exact(20_662))
    }

    @Test func unknownQuestionsGetTheNearestFigures() {
        let answer = ask("defendants_tried", "2024-01-01..2024-12-31")
        #expect(answer.total == nil)
        #expect(answer.candidates.count <= 8 && !answer.candidates.isEmpty)
        #expect(answer.candidates.allSatisfy { !$0.reason.isEmpty })
    }

    @Test func consistencyReportOfTheSeeds() {
        let findings = ConsistencyCheck.findings(in: engine.figures)
        let conflicts = findings.filter { $0.kind == .conflictingValues }
        #expect(conflicts.count == 1)
        #expect(Set(conflicts[0].figures.map(\.id)) == ["mz-2025-06-ru-received-total", "mz-2025-06-ru-received-total-ki"])
        let parts = findings.filter { $0.kind == .partsDoNotAddUp }
        #expect(parts.count == 1)
        #expect(parts[0].difference == .exact(124))
        #expect(parts[0].figures.first?.id == "mz-2025-06-ru-received-total")
    }
}

/// The comparisons and series the charts draw, on the embedded dataset.
@Suite struct SeedComparisonTests {
    let engine: TotalsEngine

    init() throws {
        engine = TotalsEngine(figures: try EmbeddedDataset.load())
    }

    /// "Russia vs Ukraine court intake, January to May 2025": 4,350 and 2,355, both Mediazona's.
    @Test func russiaAndUkraineSideBySide() throws {
        let answer = engine.totals(TotalsQuery(jurisdiction: "RU", measure: "cases_received_by_courts",
                                               window: Period(text: "2025-01-01..2025-05-31"), breakdown: .jurisdiction))
        #expect(answer.total == nil)
        #expect(answer.breakdown.map(\.label) == ["RU", "UA"])
        #expect(answer.breakdown.map(\.value) == [.exact(4_350), .exact(2_355)])
        #expect(answer.breakdown[0].figures.map(\.id) == ["mz-2025-06-ru-received-2025-jan-may"])
        #expect(answer.breakdown[1].figures.map(\.id) == ["mz-2025-06-ua-received-2025-jan-may"])
    }

    /// Without a window the comparison picks January to May 2025, the only one Ukraine's figures answer.
    @Test func theCommonWindowIsChosen() {
        let answer = engine.totals(TotalsQuery(jurisdiction: "", measure: "cases_received_by_courts", breakdown: .jurisdiction))
        #expect(answer.window == Period(text: "2025-01-01..2025-05-31"))
    }

    /// Since mobilisation: Russia's 20,662; Ukraine has no figure for the window and says so.
    @Test func sinceMobilisationOnlyRussiaAnswers() {
        let answer = engine.totals(TotalsQuery(jurisdiction: "RU", measure: "cases_received_by_courts",
                                               window: Period(text: "2022-09-01..2025-05-31"), breakdown: .jurisdiction))
        #expect(answer.breakdown.map(\.value) == [.exact(20_662), nil])
    }

    /// Mediazona's running count since September 2022: 10,025 by May 2024, 16,312 by December 2024
    /// (20,662 − 4,350, derived), 20,662 by May 2025; the intake between them 6,287 (derived) and
    /// the published 4,350.
    @Test func mediazonasRunningCount() throws {
        let series = engine.series(SeriesQuery(jurisdiction: "RU", measure: "cases_received_by_courts"))
        #expect(series.origin == Day(iso: "2022-09-01"))
        #expect(series.points.map(\.cumulative.period.end.iso) == ["2024-05-31", "2024-12-31", "2025-05-31"])
        #expect(series.points.map(\.cumulative.value) == [.exact(10_025), .exact(16_312), .exact(20_662)])
        #expect(series.points.map(\.cumulative.isDerived) == [false, true, false])
        #expect(series.points.map(\.intake.value) == [.exact(10_025), .exact(6_287), .exact(4_350)])
        #expect(series.points.map(\.intake.isDerived) == [false, true, false])
        #expect(series.points[2].intake.figures.map(\.id) == ["mz-2025-06-ru-received-2025-jan-may"])
    }
}
