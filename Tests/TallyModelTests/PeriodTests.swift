import Testing
import TallyModel

@Suite struct PeriodTests {
    let sept2022ToMay2025 = Period(start: Day(iso: "2022-09-01")!, end: Day(iso: "2025-05-31")!)
    let april2025 = Period(start: Day(iso: "2025-04-01")!, end: Day(iso: "2025-04-30")!)

    @Test func bothEndsAreIncluded() {
        #expect(april2025.dayCount == 30)
        #expect(april2025.contains(Day(iso: "2025-04-30")!))
        #expect(!april2025.contains(Day(iso: "2025-05-01")!))
    }

    @Test func containmentAndOverlap() {
        #expect(sept2022ToMay2025.contains(april2025))
        #expect(!april2025.contains(sept2022ToMay2025))
        let may = Period(start: Day(iso: "2025-05-01")!, end: Day(iso: "2025-05-31")!)
        #expect(!april2025.overlaps(may))
        #expect(sept2022ToMay2025.overlaps(may))
    }
}
