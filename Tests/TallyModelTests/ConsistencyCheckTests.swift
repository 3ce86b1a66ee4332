import Testing
import TallyModel

@Suite struct ConsistencyCheckTests {
    let window = Period(text: "2022-09-01..2025-05-31")!

    private func figure(_ id: String, _ articles: [String], _ value: Quantity, period: Period? = nil, producer: String = "P") -> Figure {
        Figure(id: id, category: .prosecution, jurisdiction: "RU", measure: "cases_received_by_courts", articles: articles,
               period: period ?? window, kind: .count, value: value,
               citations: [Citation(producer: producer, outlet: "O", document: "d", quote: "q")])
    }

    @Test func conflictingStatementsAreFound() {
        let findings = ConsistencyCheck.findings(in: [figure("a", [], .exact(20_662)), figure("b", [], .exact(20_538)),
                                                      figure("c", [], Quantity(qualifier: .moreThan, low: 20_000))])
        #expect(findings.count == 1)
        #expect(findings[0].kind == .conflictingValues)
        // "more than 20,000" contradicts neither, so it is not part of the conflict.
        #expect(findings[0].figures.map(\.id) == ["b", "a"])
        #expect(findings[0].difference == .exact(124))
        #expect(findings[0].summary == "RU cases_received_by_courts for 2022-09-01..2025-05-31: 2 different values: 20,538 from 'b' (P via O); 20,662 from 'a' (P via O)")
    }

    /// Many statements of one number make one finding that says which figures give which value.
    @Test func aGroupOfConflictingStatementsIsOneFinding() {
        let figures = [figure("a1", [], .exact(100)), figure("a2", [], .exact(100), producer: "Q"), figure("b", [], .exact(120)),
                       figure("c", [], Quantity(qualifier: .about, low: 150)), figure("d", [], .range(90, 200))]
        let findings = ConsistencyCheck.findings(in: figures)
        #expect(findings.count == 1)
        let finding = findings[0]
        #expect(finding.statedValues.map(\.value) == [.exact(100), .exact(120), Quantity(qualifier: .about, low: 150)])
        #expect(finding.statedValues.map { $0.figures.map(\.id) } == [["a1", "a2"], ["b"], ["c"]])
        #expect(finding.figures.map(\.id) == ["a1", "a2", "b", "c"])
        #expect(finding.difference == Quantity(qualifier: .about, low: 50))
        #expect(finding.summary.hasSuffix("3 different values: 100 from 'a1' (P via O), 'a2' (Q via O); 120 from 'b' (P via O); about 150 from 'c' (P via O)"))
        #expect(finding.group == ConsistencyGroup.groups(of: figures[0])[0])
    }

    @Test func agreeingStatementsAreFine() {
        #expect(ConsistencyCheck.findings(in: [figure("a", [], .exact(100)), figure("b", [], Quantity(qualifier: .about, low: 105)),
                                               figure("c", [], .range(90, 110)), figure("d", [], Quantity(qualifier: .atLeast, low: 100))]).isEmpty)
    }

    @Test func partsShortOfTheWholeAreReportedWithTheRemainder() {
        let findings = ConsistencyCheck.findings(in: [figure("all", [], .exact(20_662)), figure("337", ["337"], .exact(18_159)),
                                                      figure("332", ["332"], .exact(1_369)), figure("338", ["338"], .exact(1_010))])
        #expect(findings.count == 1)
        #expect(findings[0].kind == .partsDoNotAddUp)
        #expect(findings[0].difference == .exact(124))
        #expect(findings[0].figures.map(\.id) == ["all", "332", "337", "338"])
        #expect(findings[0].summary == "RU cases_received_by_courts for 2022-09-01..2025-05-31: articles 332: 1,369, 337: 18,159, 338: 1,010 add up to 20,538 of 'all' (20,662); 124 not attributed to these articles")
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

    /// Several statements of the whole: one parts finding listing each value the parts miss, the
    /// preferred whole first (exact before approximate); a whole they match is left out.
    @Test func partsAgainstSeveralWholesAreOneFinding() {
        let figures = [figure("w-exact", [], .exact(130)), figure("w-about", [], Quantity(qualifier: .about, low: 90)),
                       figure("w-match", [], .exact(105)), figure("337", ["337"], .exact(80)), figure("338", ["338"], .exact(25))]
        let parts = ConsistencyCheck.findings(in: figures).filter { $0.kind == .partsDoNotAddUp }
        #expect(parts.count == 1)
        #expect(parts[0].figures.map(\.id) == ["w-exact", "w-about", "337", "338"])
        #expect(parts[0].statedValues.map(\.value) == [.exact(130), Quantity(qualifier: .about, low: 90)])
        #expect(parts[0].difference == .exact(25))
        #expect(parts[0].summary.contains("which matches no statement of the whole: 'w-exact' (130) leaves 25 not attributed to these articles; 'w-about' (about 90) is less than the parts"))
    }

    @Test func differentPeriodsNeverConflict() {
        #expect(ConsistencyCheck.findings(in: [figure("a", [], .exact(1)), figure("b", [], .exact(2), period: Period(text: "2025-01-01..2025-05-31")!)]).isEmpty)
    }

    @Test func oneGroupCanBeCheckedAlone() {
        let figures = [figure("a", [], .exact(1)), figure("b", [], .exact(2)), figure("c", ["337"], .exact(5), period: Period(text: "2025-01-01..2025-05-31")!)]
        let group = ConsistencyGroup.groups(of: figures[0])[0]
        #expect(ConsistencyCheck.finding(for: group, among: figures)?.figures.map(\.id) == ["a", "b"])
        #expect(ConsistencyCheck.finding(for: ConsistencyGroup.groups(of: figures[2])[0], among: figures) == nil)
        #expect(ConsistencyGroup.groups(of: figures[0]).count == 2)  // a statement and a breakdown
        #expect(ConsistencyGroup.groups(of: Figure(id: "r", articles: ["337", "338"], kind: .count)).count == 1)
    }

    /// 10,000 figures in 200 groups of 50 statements: 100 groups state a whole (five values, ten
    /// figures each), 100 state parts for articles 337 and 338 of the first 50 periods (two values
    /// each). One finding per group, not one per conflicting pair (which would be 200 × 1,000 for
    /// the wholes and 625 for each part group), plus one parts finding per period with parts.
    @Test func tenThousandFiguresInGroupsOfFifty() {
        let start = Day(year: 2022, month: 1, day: 1)!
        func period(_ p: Int) -> Period { Period(start: start.adding(days: Int32(p * 7)), end: start.adding(days: Int32(p * 7 + 6))) }
        var figures: [Figure] = []
        for p in 0..<100 {
            for j in 0..<50 {
                figures.append(figure("w-\(p)-\(j)", [], .exact(10_000 + Int64(j % 5) * 100), period: period(p)))
            }
        }
        for p in 0..<50 {
            for (article, base) in [("337", Int64(6_000)), ("338", Int64(3_000))] {
                for j in 0..<50 {
                    figures.append(figure("p-\(p)-\(article)-\(j)", [article], .exact(base + Int64(j % 2) * 10), period: period(p)))
                }
            }
        }
        #expect(figures.count == 10_000)

        let findings = ConsistencyCheck.findings(in: figures)
        let conflicts = findings.filter { $0.kind == .conflictingValues }
        let parts = findings.filter { $0.kind == .partsDoNotAddUp }
        #expect(conflicts.count == 200)
        #expect(parts.count == 50)
        #expect(findings.count == 250)
        #expect(findings.prefix(200).allSatisfy { $0.kind == .conflictingValues })

        for finding in conflicts {
            #expect(finding.figures.count == 50)
            let isWhole = finding.figures[0].articles.isEmpty
            #expect(finding.statedValues.count == (isWhole ? 5 : 2))
            #expect(finding.statedValues.allSatisfy { $0.figures.count == (isWhole ? 10 : 25) })
            #expect(finding.difference == .exact(isWhole ? 400 : 10))
        }
        let wholeOfPeriod0 = conflicts.first { $0.figures[0].id.hasPrefix("w-0-") }!
        #expect(wholeOfPeriod0.statedValues[0].figures.map(\.id) == (0..<10).map { "w-0-\($0 * 5)" }.sorted())

        // Each period's preferred parts (lowest id: "-0", the lower value) sum to 9,000; every
        // whole exceeds it, so all 50 wholes fail, the preferred (id "w-p-0", 10,000) first.
        for finding in parts {
            #expect(finding.figures.count == 52)
            #expect(finding.statedValues.map(\.value) == [10_000, 10_100, 10_200, 10_300, 10_400].map { .exact($0) })
            #expect(finding.statedValues.allSatisfy { $0.figures.count == 10 })
            #expect(finding.difference == .exact(1_000))
            #expect(finding.figures.suffix(2).map { $0.articles[0] } == ["337", "338"])
            #expect(finding.summary.contains("articles 337: 6,000, 338: 3,000 add up to 9,000, which matches no statement of the whole"))
        }
        #expect(Set(parts.map { $0.figures[0].id }) == Set((0..<50).map { "w-\($0)-0" }))
    }
}
