import Testing
import TallyModel

@Suite struct ConsistencyCheckTests {
    let window = Period(text: "2022-09-01..2025-05-31")!

    private func figure(_ id: String, _ articles: [String], _ value: Quantity, period: Period? = nil) -> Figure {
        Figure(id: id, category: .prosecution, jurisdiction: "RU", measure: "cases_received_by_courts", articles: articles,
               period: period ?? window, kind: .count, value: value,
               citations: [Citation(producer: "P", outlet: "O", document: "d", quote: "q")])
    }

    @Test func conflictingStatementsAreFound() {
        let findings = ConsistencyCheck.findings(in: [figure("a", [], .exact(20_662)), figure("b", [], .exact(20_538)),
                                                      figure("c", [], Quantity(qualifier: .moreThan, low: 20_000))])
        #expect(findings.count == 1)
        #expect(findings[0].kind == .conflictingValues)
        #expect(Set(findings[0].figures.map(\.id)) == ["a", "b"])
        #expect(findings[0].difference == .exact(124))
    }

    @Test func partsShortOfTheWholeAreReportedWithTheRemainder() {
        let findings = ConsistencyCheck.findings(in: [figure("all", [], .exact(20_662)), figure("337", ["337"], .exact(18_159)),
                                                      figure("332", ["332"], .exact(1_369)), figure("338", ["338"], .exact(1_010))])
        #expect(findings.count == 1)
        #expect(findings[0].kind == .partsDoNotAddUp)
        #expect(findings[0].difference == .exact(124))
    }

    @Test func partsThatAddUpExactlyAreFine() {
        #expect(ConsistencyCheck.findings(in: [figure("all", [], .exact(20_538)), figure("337", ["337"], .exact(18_159)),
                                               figure("332", ["332"], .exact(1_369)), figure("338", ["338"], .exact(1_010))]).isEmpty)
    }

    @Test func partsAboveTheWholeAreReported() {
        let findings = ConsistencyCheck.findings(in: [figure("all", [], .exact(100)), figure("337", ["337"], .exact(90)), figure("338", ["338"], .exact(20))])
        #expect(findings.map(\.kind) == [.partsDoNotAddUp])
        #expect(findings[0].summary.contains("more than the whole"))
        #expect(findings[0].difference == .exact(10))
    }

    @Test func differentPeriodsNeverConflict() {
        #expect(ConsistencyCheck.findings(in: [figure("a", [], .exact(1)), figure("b", [], .exact(2), period: Period(text: "2025-01-01..2025-05-31")!)]).isEmpty)
    }
}
