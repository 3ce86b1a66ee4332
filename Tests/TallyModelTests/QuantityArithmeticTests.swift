import Testing
import TallyModel

@Suite struct QuantityArithmeticTests {
    let exact = Quantity.exact(10)
    let moreThan = Quantity(qualifier: .moreThan, low: 4_600)
    let about = Quantity(qualifier: .about, low: 1_000)
    let nearly = Quantity(qualifier: .nearly, low: 100)
    let range = Quantity.range(700, 800)
    let atMost = Quantity(qualifier: .atMost, low: 5)

    @Test func exactPlusExactIsExact() {
        #expect(Quantity.sum([.exact(18_159), .exact(1_369), .exact(1_010)]) == .exact(20_538))
        #expect(Quantity.sum([]) == .exact(0))
    }

    /// The issue's own example: "more than 4,600" plus an exact number is "at least".
    @Test func lowerBoundPlusExactIsAtLeast() {
        #expect(Quantity.sum([moreThan, exact]) == Quantity(qualifier: .atLeast, low: 4_610))
        #expect(Quantity.sum([moreThan, range]) == Quantity(qualifier: .atLeast, low: 5_300))
        #expect(Quantity.sum([moreThan, atMost]) == Quantity(qualifier: .atLeast, low: 4_600))
    }

    @Test func rangesAddAsRanges() {
        #expect(Quantity.sum([range, range]) == .range(1_400, 1_600))
        #expect(Quantity.sum([range, exact]) == .range(710, 810))
        #expect(Quantity.sum([range, about]) == .range(1_700, 1_800))
    }

    @Test func approximationsStayApproximate() {
        #expect(Quantity.sum([about, exact]) == Quantity(qualifier: .about, low: 1_010))
        #expect(Quantity.sum([nearly, exact]) == Quantity(qualifier: .nearly, low: 110))
        #expect(Quantity.sum([nearly, about]) == Quantity(qualifier: .about, low: 1_100))
        #expect(Quantity.sum([atMost, exact]) == .range(10, 15))
        #expect(Quantity.sum([atMost, atMost]) == Quantity(qualifier: .atMost, low: 10))
        #expect(Quantity.sum([moreThan]) == moreThan)
    }

    /// Property: sums do not depend on the order of their terms.
    @Test func sumIsOrderIndependent() {
        let all = [exact, moreThan, about, nearly, range, atMost, .exact(3), .range(1, 2)]
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<500 {
            let terms = (0..<Int.random(in: 1...5, using: &rng)).map { _ in all.randomElement(using: &rng)! }
            #expect(Quantity.sum(terms) == Quantity.sum(terms.shuffled(using: &rng)))
            // Grouping into non-empty parts does not matter either. (An empty part would add an exact
            // 0, which turns a lone "more than x" into the equally true "at least x".)
            guard terms.count > 1 else { continue }
            let split = Int.random(in: 1..<terms.count, using: &rng)
            let grouped = Quantity.sum([Quantity.sum(Array(terms[..<split])), Quantity.sum(Array(terms[split...]))])
            #expect(grouped == Quantity.sum(terms), "\(terms)")
        }
    }

    @Test func differences() {
        #expect(Quantity.difference(.exact(20_662), minus: .exact(20_538)) == .exact(124))
        #expect(Quantity.difference(.exact(20_662), minus: about) == Quantity(qualifier: .about, low: 19_662))
        #expect(Quantity.difference(.exact(1_000), minus: range) == .range(200, 300))
        // A bound minus a number says nothing; a part above the whole is no difference at all.
        #expect(Quantity.difference(moreThan, minus: exact) == nil)
        #expect(Quantity.difference(.exact(10), minus: moreThan) == nil)
        #expect(Quantity.difference(.exact(10), minus: .exact(11)) == nil)
        #expect(Quantity.difference(.range(0, 10), minus: .exact(5)) == .range(0, 5))
    }

    @Test func compatibility() {
        #expect(Quantity(qualifier: .moreThan, low: 20_000).isCompatible(with: .exact(20_662)))
        #expect(!Quantity(qualifier: .moreThan, low: 20_000).isCompatible(with: .exact(20_000)))
        #expect(!Quantity.exact(20_538).isCompatible(with: .exact(20_662)))
        #expect(Quantity(qualifier: .about, low: 100).isCompatible(with: Quantity(qualifier: .nearly, low: 100)))
        #expect(!Quantity(qualifier: .about, low: 1_000).isCompatible(with: .exact(5_000)))
        #expect(range.isCompatible(with: .exact(750)))
    }

    @Test func descriptions() {
        #expect(Quantity.exact(20_662).description == "20,662")
        #expect(moreThan.description == "more than 4,600")
        #expect(range.description == "700 to 800")
        #expect(Quantity.exact(2_400_000).description == "2,400,000")
        #expect(Quantity.exact(0).description == "0")
    }
}
