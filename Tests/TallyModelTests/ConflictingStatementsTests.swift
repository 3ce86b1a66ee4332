import Testing
import TallyModel

extension TotalsEnginePropertyTests.SplitMix: RandomNumberGenerator {}

/// The one-pass conflict check against the definition: a figure is in a conflict exactly when some
/// other statement of the same number is incompatible with it, comparing every pair.
@Suite struct ConflictingStatementsTests {
    static func randomValue(using rng: inout TotalsEnginePropertyTests.SplitMix) -> Quantity {
        let low = Int64.random(in: 0...40, using: &rng) * 5
        switch Int.random(in: 0..<7, using: &rng) {
        case 0: return Quantity(qualifier: .moreThan, low: low)
        case 1: return Quantity(qualifier: .atLeast, low: low)
        case 2: return Quantity(qualifier: .about, low: low)
        case 3: return Quantity(qualifier: .nearly, low: low)
        case 4: return Quantity(qualifier: .atMost, low: low)
        case 5: return .range(low, low + Int64.random(in: 0...50, using: &rng))
        default: return .exact(low)
        }
    }

    @Test func agreesWithComparingEveryPair() {
        var rng = TotalsEnginePropertyTests.SplitMix(seed: 35)
        let period = Period(text: "2024-01-01..2024-06-30")!
        var groupsWithConflicts = 0
        for round in 0..<2_000 {
            let figures = (0..<Int.random(in: 1...9, using: &rng)).map { i in
                Figure(id: "f\(i)", category: .prosecution, jurisdiction: "UA", measure: "criminal_cases_opened", period: period,
                       kind: .level, value: Self.randomValue(using: &rng))
            }
            let inConflict = figures.filter { a in figures.contains { b in b.id != a.id && !a.value.isCompatible(with: b.value) } }
            let findings = ConsistencyCheck.findings(in: figures)
            #expect(Set(findings.flatMap(\.figures).map(\.id)) == Set(inConflict.map(\.id)), "round \(round): \(figures.map(\.value))")
            #expect(findings.count == (inConflict.isEmpty ? 0 : 1))
            if let finding = findings.first {
                groupsWithConflicts += 1
                #expect(Set(finding.statedValues.map(\.value)) == Set(inConflict.map(\.value)))
                #expect(finding.statedValues.map(\.value) == finding.statedValues.map(\.value).sorted())
            }
        }
        #expect(groupsWithConflicts > 500)  // the generator makes both kinds of group
    }
}
