import TallyModel

/// The words a chart uses: titles from the vocabulary, dates as a newsroom writes them, the source
/// line. Shared by the SVG and its text alternative, so both say the same thing.
enum Wording {
    static let months = ["January", "February", "March", "April", "May", "June", "July", "August",
                         "September", "October", "November", "December"]

    /// "1 September 2022".
    static func date(_ day: Day) -> String {
        let (y, m, d) = day.civil
        return "\(d) \(months[m - 1]) \(y)"
    }

    /// "1 September 2022 – 31 May 2025", "1 January – 31 May 2025", "1–30 April 2025".
    static func window(_ period: Period) -> String {
        let (a, b) = (period.start.civil, period.end.civil)
        if period.start == period.end { return date(period.start) }
        if a.year == b.year && a.month == b.month { return "\(a.day)–\(b.day) \(months[b.month - 1]) \(b.year)" }
        if a.year == b.year { return "\(a.day) \(months[a.month - 1]) – \(date(period.end))" }
        return "\(date(period.start)) – \(date(period.end))"
    }

    /// "May 2025" for the last day of a month, else "15 May 2025": axis labels of a series.
    static func axisDate(_ day: Day, monthEnds: Bool) -> String {
        let (y, m, d) = day.civil
        return monthEnds ? "\(months[m - 1].prefix(3)) \(y)" : "\(d) \(months[m - 1].prefix(3)) \(y)"
    }

    /// "1 Sep – 31 Dec": the part of a year a row covers.
    static func span(_ period: Period) -> String {
        func short(_ day: Day) -> String { "\(day.civil.day) \(months[day.civil.month - 1].prefix(3))" }
        return period.start == period.end ? short(period.start) : "\(short(period.start)) – \(short(period.end))"
    }

    static func isWholeYear(_ period: Period) -> Bool {
        let (a, b) = (period.start.civil, period.end.civil)
        return a.year == b.year && a.month == 1 && a.day == 1 && b.month == 12 && b.day == 31
    }

    static func isMonthEnd(_ day: Day) -> Bool {
        let (y, m, d) = day.civil
        return d == Day.daysIn(month: m, year: y)
    }

    /// "Criminal cases received by courts".
    static func measure(_ key: String) -> String {
        let text = Vocabulary.standard.measure(key)?.description ?? key.split(separator: "_").joined(separator: " ")
        return text.prefix(1).uppercased() + text.dropFirst()
    }

    static func jurisdiction(_ code: String) -> String {
        Vocabulary.standard.jurisdiction(code)?.name ?? code
    }

    /// "all articles", "article 337", "articles 337, 332".
    static func articles(_ articles: [String]) -> String {
        switch articles.count {
        case 0: "all refusal-to-serve articles"
        case 1: "article \(articles[0])"
        default: "articles \(articles.joined(separator: ", "))"
        }
    }

    /// "Source: Mediazona, via Kyiv Independent and The Moscow Times; Proekt, via …". Producers
    /// and outlets in order of first use by the chart's figures.
    static func sourceLine(_ figures: [Figure], datasetVersion: UInt64) -> String {
        var producers: [String] = []
        var outlets: [String: [String]] = [:]
        for citation in figures.flatMap(\.citations) {
            if outlets[citation.producer] == nil { producers.append(citation.producer) }
            if !(outlets[citation.producer] ?? []).contains(citation.outlet) { outlets[citation.producer, default: []].append(citation.outlet) }
        }
        let parts = producers.map { producer in
            let via = outlets[producer] ?? []
            return via.isEmpty || via == [producer] ? producer : "\(producer), via \(list(via))"
        }
        let sources = parts.isEmpty ? "Source: none (no figure answers this question)" : "Source\(parts.count > 1 ? "s" : ""): \(parts.joined(separator: "; "))"
        return "\(sources). Chart: Tally, dataset version \(datasetVersion)."
    }

    /// "a", "a and b", "a, b and c".
    static func list(_ items: [String]) -> String {
        items.count <= 1 ? items.joined() : items.dropLast().joined(separator: ", ") + " and " + items.last!
    }

    /// A count as a label says it: "20,662", "more than 4,600", "700 to 800", "about 1,000".
    static func value(_ quantity: Quantity) -> String {
        quantity.qualifier == .unspecified ? "not available" : quantity.description
    }
}
