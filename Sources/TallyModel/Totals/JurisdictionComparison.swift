/// "Russia vs Ukraine, court intake, January to May 2025": every jurisdiction's own total for one
/// window, measure and set of articles, side by side.
///
/// Each row is answered exactly as a single-jurisdiction question would be (same tiling, same
/// derivations, same qualifiers), from that jurisdiction's figures only. The rows are never added:
/// different states' courts count under different codes and rules, so the answer has no total.
extension TotalsEngine {
    func jurisdictionComparison(_ query: TotalsQuery) -> TotalsAnswer {
        let codes = Self.jurisdictionOrder(first: query.jurisdiction)
        let window = query.window ?? commonWindow(query, codes)
        var answer = TotalsAnswer(query: query, window: window, total: nil, breakdown: [], candidates: [])
        var seen = Set<String>()
        for code in codes {
            var own = query
            own.jurisdiction = code
            own.breakdown = .none
            own.window = window
            let single = window == nil ? nil : totals(own)
            if let line = single?.total {
                var row = line
                row.label = code
                answer.breakdown.append(row)
            } else {
                let name = Vocabulary.standard.jurisdiction(code)?.name ?? code
                let why = window.map { "no figures for \(name) cover \($0) without overlap" } ?? "no figures for \(name) answer this question"
                answer.breakdown.append(unavailable(code, window ?? .unset, why))
            }
            var nearest = single?.candidates ?? []
            if single == nil {
                nearest = CandidateSearch(engine: self, query: own, window: nil, used: []).nearest()
            }
            for candidate in nearest where seen.insert(candidate.figure.id).inserted {
                answer.candidates.append(candidate)
            }
        }
        return answer
    }

    /// The query's jurisdiction first (the one being compared with the others), then the
    /// vocabulary's order; an empty or unknown code leaves the vocabulary's order.
    static func jurisdictionOrder(first: String) -> [String] {
        let all = Vocabulary.standard.jurisdictions.map(\.code)
        guard all.contains(first) else { return all }
        return [first] + all.filter { $0 != first }
    }

    /// Without a window, the widest period of any jurisdiction's same-scope counts that every
    /// jurisdiction can answer (the latest of equals); failing that, the widest the first
    /// jurisdiction answers, so its row at least is filled; `nil` when there are no such counts.
    private func commonWindow(_ query: TotalsQuery, _ codes: [String]) -> Period? {
        let scope = Set(query.articles)
        let pools = codes.map { counts[ScopeKey(jurisdiction: $0, measure: query.measure)] ?? [] }
        let periods = Set(pools.joined().filter { Set($0.articles) == scope }.map(\.period))
            .sorted { ($0.dayCount, $0.end, $0.start) > ($1.dayCount, $1.end, $1.start) }
        func answers(_ pool: [Figure], _ window: Period) -> Bool {
            line(label: "", window: window, articles: scope, pool: pool) != nil
        }
        if let shared = periods.first(where: { window in pools.allSatisfy { answers($0, window) } }) { return shared }
        if let first = pools.first, let own = periods.first(where: { answers(first, $0) }) { return own }
        return periods.first
    }
}
