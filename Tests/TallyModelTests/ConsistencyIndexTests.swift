import Testing
import TallyModel

/// The incrementally kept report equals the report computed from scratch after every publish, and
/// a publish rechecks only the groups of the figures it changed.
@Suite struct ConsistencyIndexTests {
    private static let start = Day(year: 2023, month: 1, day: 1)!

    private static func figure(_ id: String, using rng: inout TotalsEnginePropertyTests.SplitMix) -> Figure {
        let month = Int32.random(in: 0..<6, using: &rng)
        let articles = [[], [], ["337"], ["338"], ["339"], ["337", "338"]].randomElement(using: &rng)!
        return Figure(id: id, category: .prosecution, jurisdiction: "RU", measure: "cases_received_by_courts", articles: articles,
                      period: Period(start: start.adding(days: month * 30), end: start.adding(days: month * 30 + 29)),
                      kind: .count, value: ConflictingStatementsTests.randomValue(using: &rng),
                      citations: [Citation(producer: "P", outlet: "O", document: "d", quote: "q")])
    }

    @Test func followsPublishesLikeAFullRecheck() {
        var rng = TotalsEnginePropertyTests.SplitMix(seed: 227)
        var dataset = Dictionary(uniqueKeysWithValues: (0..<150).map { ("f\($0)", Self.figure("f\($0)", using: &rng)) })
        var index = ConsistencyIndex(figures: Array(dataset.values))
        #expect(index.findings == ConsistencyCheck.findings(in: Array(dataset.values)))
        #expect(!index.findings.isEmpty)
        var next = 150
        for publish in 0..<60 {
            var upserts: [Figure] = []
            for _ in 0..<Int.random(in: 0...3, using: &rng) {
                upserts.append(Self.figure("f\(next)", using: &rng))
                next += 1
            }
            for id in dataset.keys.sorted().shuffled(using: &rng).prefix(2) {
                var changed = Self.figure(id, using: &rng)
                changed.revision = dataset[id]!.revision + 1
                upserts.append(changed)
            }
            let retractions = Array(dataset.keys.sorted().shuffled(using: &rng).prefix(Int.random(in: 0...2, using: &rng)))
                .filter { id in !upserts.contains { $0.id == id } }
            let before = retractions.compactMap { dataset[$0] } + upserts.compactMap { dataset[$0.id] }
            for id in retractions { dataset[id] = nil }
            for figure in upserts { dataset[figure.id] = figure }

            let touched = index.apply(upserts: upserts, retractions: retractions + ["never-published"])
            #expect(touched == Set((before + upserts).flatMap(ConsistencyGroup.groups(of:))), "publish \(publish)")
            #expect(index.findings == ConsistencyCheck.findings(in: Array(dataset.values)), "publish \(publish)")
            #expect(index.figureCount == dataset.count)
        }
    }

    @Test func aGroupsFindingIsLookedUpByItsKey() {
        let period = Period(text: "2024-01-01..2024-01-31")!
        let a = Figure(id: "a", jurisdiction: "RU", measure: "m", period: period, kind: .count, value: .exact(1))
        var b = a
        b.id = "b"
        b.value = .exact(2)
        var index = ConsistencyIndex(figures: [a, b])
        let group = ConsistencyGroup.groups(of: a)[0]
        #expect(index.finding(for: group)?.figures.map(\.id) == ["a", "b"])
        b.value = .exact(1)
        index.apply(upserts: [b])
        #expect(index.finding(for: group) == nil)
        #expect(index.findings.isEmpty)
    }
}
