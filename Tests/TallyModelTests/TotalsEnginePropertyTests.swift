import Testing
import TallyModel

/// Properties of the totals engine against a ground truth: random daily counts, and figures that
/// state true sums over random periods. Any answer the engine gives must equal the true sum of the
/// window (it may decline, never double count), however the figures tile or overlap.
@Suite struct TotalsEnginePropertyTests {
    struct World {
        let start = Day(iso: "2024-01-01")!
        var daily: [Int64]
        var rng: SplitMix

        init(seed: UInt64, days: Int = 120) {
            rng = SplitMix(seed: seed)
            var values: [Int64] = []
            for _ in 0..<days { values.append(Int64(rng.next() % 50)) }
            daily = values
        }

        func period(_ from: Int, _ to: Int) -> Period { Period(start: start.adding(days: Int32(from)), end: start.adding(days: Int32(to))) }

        func truth(_ p: Period) -> Int64 {
            let from = Int(p.start.daysSinceEpoch - start.daysSinceEpoch), to = Int(p.end.daysSinceEpoch - start.daysSinceEpoch)
            return daily[from...to].reduce(0, +)
        }

        func figure(_ id: String, _ p: Period, value: Quantity? = nil) -> Figure {
            Figure(id: id, category: .prosecution, jurisdiction: "RU", measure: "convictions", period: p, kind: .count,
                   value: value ?? .exact(truth(p)), citations: [Citation(producer: "P", outlet: "O", document: "d", quote: "q")])
        }

        /// A random partition of days `0..<daily.count` into consecutive periods.
        mutating func partition(prefix: String) -> [Figure] {
            var figures: [Figure] = []
            var from = 0
            while from < daily.count {
                let to = min(daily.count - 1, from + Int(rng.next() % 30))
                figures.append(figure("\(prefix)-\(from)-\(to)", period(from, to)))
                from = to + 1
            }
            return figures
        }

        mutating func randomPeriod() -> Period {
            let a = Int(rng.next() % UInt64(daily.count)), b = Int(rng.next() % UInt64(daily.count))
            return period(min(a, b), max(a, b))
        }

        var whole: Period { period(0, daily.count - 1) }
    }

    struct SplitMix {
        var state: UInt64
        init(seed: UInt64) { state = seed }
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    private func total(_ figures: [Figure], _ window: Period) -> Quantity? {
        TotalsEngine(figures: figures).totals(TotalsQuery(jurisdiction: "RU", measure: "convictions", window: window)).total?.value
    }

    /// Tiling the window in different ways gives the same total: the true one.
    @Test(arguments: 0..<40)
    func differentTilingsGiveTheSameTotal(seed: Int) {
        var world = World(seed: UInt64(seed))
        let truth = world.truth(world.whole)
        let first = world.partition(prefix: "a")
        let second = world.partition(prefix: "b")
        #expect(total(first, world.whole) == .exact(truth))
        #expect(total(second, world.whole) == .exact(truth))
        #expect(total(first + second, world.whole) == .exact(truth))
    }

    /// Adding overlapping, nested and cumulative figures never changes a total by double counting:
    /// every answer, for any window, is the true sum or no answer at all.
    @Test(arguments: 0..<40)
    func overlappingFiguresNeverDoubleCount(seed: Int) {
        var world = World(seed: UInt64(1_000 + seed))
        let pieces = world.partition(prefix: "p")
        var figures = pieces
        for i in 0..<25 { figures.append(world.figure("o\(i)", world.randomPeriod())) }
        // Cumulative figures from the first day, as reports "since September 2022" are.
        for i in 0..<5 { figures.append(world.figure("c\(i)", world.period(0, Int(world.rng.next() % UInt64(world.daily.count))))) }
        #expect(total(figures, world.whole) == .exact(world.truth(world.whole)))
        for _ in 0..<30 {
            let window = world.randomPeriod()
            if let answer = total(figures, window) {
                #expect(answer == .exact(world.truth(window)), "window \(window)")
            }
        }
        // Windows made of consecutive partition pieces always have an answer, and it is the true one.
        for _ in 0..<10 {
            let a = Int(world.rng.next() % UInt64(pieces.count)), b = Int(world.rng.next() % UInt64(pieces.count))
            let window = Period(start: pieces[min(a, b)].period.start, end: pieces[max(a, b)].period.end)
            #expect(total(figures, window) == .exact(world.truth(window)), "window \(window)")
        }
    }

    /// A rounded restatement of a figure ("more than …") never displaces or adds to the exact one.
    @Test(arguments: 0..<20)
    func roundedRestatementsDoNotChangeTotals(seed: Int) {
        var world = World(seed: UInt64(2_000 + seed))
        var figures = world.partition(prefix: "p")
        let exactTotal = total(figures, world.whole)
        for figure in figures where world.rng.next() % 2 == 0 {
            let rounded = Quantity(qualifier: .moreThan, low: max(0, figure.value.low - 1))
            figures.append(world.figure("r-\(figure.id)", figure.period, value: rounded))
        }
        #expect(total(figures, world.whole) == exactTotal)
    }

    /// With only qualified figures, the qualifiers combine as documented (lower bounds → at least).
    @Test func qualifiedPiecesCombineAsDocumented() {
        var world = World(seed: 77)
        let pieces = world.partition(prefix: "p")
        let qualified = pieces.enumerated().map { index, figure in
            index == 0 ? world.figure(figure.id, figure.period, value: Quantity(qualifier: .moreThan, low: figure.value.low - 1)) : figure
        }
        let expected = Quantity.sum(qualified.map(\.value))
        #expect(total(qualified, world.whole) == expected)
        #expect(expected.qualifier == (pieces.count == 1 ? .moreThan : .atLeast))
    }
}
