import TallyModel

/// A deterministic corpus of figures shaped like the real dataset: ids, codes, periods, 1–3
/// citations with quotes of a sentence or two. Generated, never shipped as data.
enum FigureCorpus {
    static func make(count: Int, seed: UInt64 = 42) -> [Figure] {
        var state = seed
        func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        let producers = ["Mediazona", "Proekt", "UK Defence Intelligence", "Office of the Prosecutor General"]
        let outlets = ["Kyiv Independent", "The Moscow Times", "Newsweek", "Daily Pakistan"]
        let measures = ["cases_received_by_courts", "defendants_convicted", "verdicts_issued", "criminal_cases_opened"]
        let articles = ["337", "332", "338", "339", "328"]
        let words = ["military", "courts", "received", "cases", "against", "soldiers", "refusing", "to", "serve",
                     "since", "September", "2022", "according", "data", "compiled", "by", "more", "than"]
        return (0..<count).map { index in
            let start = Int32(19_000 + Int(next() % 1_000))
            let citationCount = 1 + Int(next() % 3)
            let citations = (0..<citationCount).map { _ in
                Citation(
                    producer: producers[Int(next() % 4)],
                    outlet: outlets[Int(next() % 4)],
                    published: Day(daysSinceEpoch: start + 400),
                    document: "00\(next() % 5)_7d91648fecd0b95d.txt",
                    quote: (0..<(12 + Int(next() % 20))).map { _ in words[Int(next() % UInt64(words.count))] }.joined(separator: " "),
                    url: next() % 2 == 0 ? "" : "https://example.org/report/\(index)"
                )
            }
            return Figure(
                id: "fig-\(index)-\(measures[index % 4])",
                revision: UInt64(index + 1),
                category: next() % 5 == 0 ? .context : .prosecution,
                jurisdiction: next() % 3 == 0 ? "UA" : "RU",
                measure: measures[Int(next() % 4)],
                articles: (0..<Int(next() % 3)).map { _ in articles[Int(next() % 5)] },
                period: Period(start: Day(daysSinceEpoch: start), end: Day(daysSinceEpoch: start + Int32(next() % 900))),
                kind: .count,
                value: next() % 4 == 0 ? .range(Int64(next() % 1_000), Int64(1_000 + next() % 1_000)) : .exact(Int64(next() % 25_000)),
                citations: citations,
                note: next() % 3 == 0 ? "Read from the court statistics; the period is the court's reporting window." : ""
            )
        }
    }
}
