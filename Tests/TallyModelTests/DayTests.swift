import Testing
import TallyModel

@Suite struct DayTests {
    @Test func knownDates() {
        #expect(Day(year: 1970, month: 1, day: 1)?.daysSinceEpoch == 0)
        #expect(Day(year: 2022, month: 9, day: 1)?.daysSinceEpoch == 19_236)
        #expect(Day(year: 2000, month: 2, day: 29)?.daysSinceEpoch == 11_016)
        #expect(Day(year: 1969, month: 12, day: 31)?.daysSinceEpoch == -1)
    }

    @Test func impossibleDatesAreRejected() {
        #expect(Day(year: 2025, month: 2, day: 29) == nil)
        #expect(Day(year: 2024, month: 2, day: 30) == nil)
        #expect(Day(year: 1900, month: 2, day: 29) == nil)
        #expect(Day(year: 2025, month: 13, day: 1) == nil)
        #expect(Day(year: 2025, month: 4, day: 31) == nil)
        #expect(Day(iso: "2025-4-01") == nil)
        #expect(Day(iso: "2025-04-01x") == nil)
    }

    /// Every day from 1900 to 2100 converts to its civil date and back, and consecutive days differ by one.
    @Test func civilConversionRoundTripsForTwoCenturies() throws {
        var previous = try #require(Day(year: 1899, month: 12, day: 31))
        for year in 1900...2100 {
            for month in 1...12 {
                for day in 1...Day.daysIn(month: month, year: year) {
                    let d = try #require(Day(year: year, month: month, day: day))
                    #expect(d.daysSinceEpoch == previous.daysSinceEpoch + 1)
                    #expect(d.civil == (year, month, day))
                    previous = d
                }
            }
        }
    }

    @Test func isoFormatting() {
        #expect(Day(year: 2025, month: 5, day: 31)?.iso == "2025-05-31")
        #expect(Day(iso: "2025-05-31")?.iso == "2025-05-31")
    }
}
