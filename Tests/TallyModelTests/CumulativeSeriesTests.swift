import Testing
import TallyModel

/// Running totals from a common first day, and the intake between them, by the engine's rules.
@Suite struct CumulativeSeriesTests {
    func figure(_ id: String, _ period: String, _ value: Quantity, articles: [String] = [], kind: FigureKind = .count) -> Figure {
        Figure(id: id, category: .prosecution, jurisdiction: "RU", measure: "convictions", articles: articles,
               period: Period(text: period)!, kind: kind, value: value,
               citations: [Citation(producer: "P", outlet: "O", document: "d", quote: "q")])
    }

    func series(_ figures: [Figure], window: String? = nil, articles: [String] = []) -> CumulativeSeries {
        TotalsEngine(figures: figures).series(SeriesQuery(jurisdiction: "RU", measure: "convictions", articles: articles,
                                                           window: window.map { Period(text: $0)! }))
    }

    @Test func cumulativeReportsAndTheIntakeBetween() throws {
        let s = series([
            figure("to-2023", "2022-01-01..2023-12-31", .exact(1_000)),
            figure("to-2024", "2022-01-01..2024-12-31", .exact(2_500)),
            figure("rate", "2022-01-01..2024-12-31", .exact(3), kind: .rate),
        ])
        #expect(s.origin == Day(iso: "2022-01-01"))
        #expect(s.points.map(\.cumulative.value) == [.exact(1_000), .exact(2_500)])
        #expect(s.points.map(\.intake.value) == [.exact(1_000), .exact(1_500)])
        #expect(s.points[1].intake.period == Period(text: "2024-01-01..2024-12-31"))
        #expect(s.points[1].intake.isDerived)
        #expect(!s.points[0].cumulative.isDerived)
        #expect(s.figures.map(\.id) == ["to-2023", "to-2024"])
    }

    /// A published count for the interval is used as the intake; a cumulative point may itself be
    /// derived (the long count minus the interval's).
    @Test func publishedIntervalsWinAndDerivedPointsAreMarked() throws {
        let s = series([
            figure("to-2024", "2022-01-01..2024-12-31", .exact(2_500)),
            figure("in-2024", "2024-01-01..2024-12-31", .exact(1_400)),
        ])
        #expect(s.points.map(\.cumulative.period.end.iso) == ["2023-12-31", "2024-12-31"])
        #expect(s.points[0].cumulative.value == .exact(1_100))
        #expect(s.points[0].cumulative.isDerived)
        #expect(s.points[1].intake.value == .exact(1_400))
        #expect(!s.points[1].intake.isDerived)
    }

    @Test func aLowerBoundGivesNoIntake() throws {
        let s = series([
            figure("to-2023", "2022-01-01..2023-12-31", .exact(1_000)),
            figure("to-2024", "2022-01-01..2024-12-31", Quantity(qualifier: .moreThan, low: 2_000)),
        ])
        #expect(s.points.count == 2)
        #expect(s.points[1].intake.value == nil)
        #expect(s.points[1].intake.arithmetic.hasPrefix("not available"))
    }

    @Test func theWindowBoundsTheSeries() {
        let figures = [figure("to-2023", "2022-01-01..2023-12-31", .exact(1_000)), figure("to-2024", "2022-01-01..2024-12-31", .exact(2_500))]
        #expect(series(figures, window: "2022-01-01..2024-06-30").points.count == 1)
        #expect(series(figures, window: "2023-01-01..2024-12-31").points.isEmpty)
    }

    @Test func articlesAreAddedArticleByArticle() {
        let s = series([
            figure("a", "2022-01-01..2023-12-31", .exact(10), articles: ["337"]),
            figure("b", "2022-01-01..2023-12-31", .exact(5), articles: ["338"]),
            figure("all", "2022-01-01..2023-12-31", .exact(99)),
        ], articles: ["337", "338"])
        #expect(s.points.map(\.cumulative.value) == [.exact(15)])
    }

    @Test func noCountsNoSeries() {
        let s = series([figure("rate", "2022-01-01..2024-12-31", .exact(3), kind: .rate)])
        #expect(s.origin == nil)
        #expect(s.points.isEmpty)
    }
}
