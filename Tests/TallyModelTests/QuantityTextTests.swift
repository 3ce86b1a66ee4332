import Testing
import TallyModel

@Suite struct QuantityTextTests {
    @Test func parsesTheSourcesWords() {
        #expect(Quantity(text: "18,159") == .exact(18_159))
        #expect(Quantity(text: "18159") == .exact(18_159))
        #expect(Quantity(text: "more than 20,000") == Quantity(qualifier: .moreThan, low: 20_000))
        #expect(Quantity(text: "over 20,000") == Quantity(qualifier: .moreThan, low: 20_000))
        #expect(Quantity(text: "Around 1,000") == Quantity(qualifier: .about, low: 1_000))
        #expect(Quantity(text: "nearly 100") == Quantity(qualifier: .nearly, low: 100))
        #expect(Quantity(text: "up to 15") == Quantity(qualifier: .atMost, low: 15))
        #expect(Quantity(text: "700 to 800") == .range(700, 800))
    }

    @Test func rejectsWhatIsNotAQuantity() {
        for text in ["", "many", "more than", "20,000 or so", "-5", "1.5", "700 - 800", "about about 5"] {
            #expect(Quantity(text: text) == nil, "\(text)")
        }
    }

    /// Property: every valid quantity's description parses back to itself.
    @Test func descriptionRoundTrips() {
        let qualifiers: [Qualifier] = [.exact, .moreThan, .atLeast, .about, .nearly, .atMost]
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<2_000 {
            let low = Int64.random(in: 0...10_000_000_000, using: &rng)
            let q = Bool.random(using: &rng)
                ? Quantity(qualifier: qualifiers.randomElement(using: &rng)!, low: low)
                : .range(low, low + Int64.random(in: 0...1_000, using: &rng))
            #expect(Quantity(text: q.description) == q, "\(q)")
        }
    }

    @Test func periods() {
        #expect(Period(text: "2022-09-01..2025-05-31") == Period(start: Day(iso: "2022-09-01")!, end: Day(iso: "2025-05-31")!))
        #expect(Period(text: "2025-06-25") == Period(start: Day(iso: "2025-06-25")!, end: Day(iso: "2025-06-25")!))
        #expect(Period(text: "2025-02-30..2025-03-01") == nil)
        #expect(Period(text: "2022-09-01...2025-05-31") == nil)
    }
}
