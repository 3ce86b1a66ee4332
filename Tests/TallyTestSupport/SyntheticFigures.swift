/// Valid figures made up in bulk, for load and crash tests. Never shipped as data.
public import TallyModel

public enum SyntheticFigures {
    public static func make(count: Int, prefix: String = "gen", seed: UInt64 = 1) -> [Figure] {
        var rng = SeededRandom(seed: seed)
        let articles = ["337", "332", "338", "339"]
        return (0..<count).map { index in
            let start = Day(year: 2022, month: 9, day: 1)!.adding(days: Int32.random(in: 0...900, using: &rng))
            return Figure(
                id: "\(prefix)-\(index)",
                category: .prosecution,
                jurisdiction: "RU",
                measure: "convictions",
                articles: [articles[index % articles.count]],
                period: Period(start: start, end: start.adding(days: Int32.random(in: 0...365, using: &rng))),
                kind: .count,
                value: .exact(Int64.random(in: 0...20_000, using: &rng)),
                citations: [Citation(producer: "Synthetic", outlet: "Tally tests", published: Day(year: 2025, month: 6, day: 30),
                                     document: "synthetic-\(index % 97).txt", quote: "A generated figure, number \(index), for testing only.")]
            )
        }
    }
}
