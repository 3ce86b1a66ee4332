/// Figures that look like the court data Mediazona and Ukraine's prosecutors keep case by case: one
/// court's count under one article over a window, with a quote naming the court and the month, a
/// producer and an outlet from the people who publish such numbers, and an id in the dataset's own
/// style. Made up in bulk for the sync benchmark and the tests that need a large dataset whose bytes
/// compress like real ones (random bytes would not, and repeated `gen-N` strings would compress too
/// well). Never shipped as data.
///
/// Keys (jurisdiction, measure, articles, period) are drawn as the old synthetic figures drew them:
/// a start day in 2022-09..2025-03 and a length up to a year, so groups of figures stating one
/// number stay small, as in the real dataset.
public import TallyModel

public enum CourtRecordFigures {
    public static func make(count: Int, seed: UInt64 = 1, idPrefix: String = "") -> [Figure] {
        var rng = SeededRandom(seed: seed)
        return (0..<count).map { index in figure(index, idPrefix: idPrefix, using: &rng) }
    }

    /// The figure `make` gives at `index`, with a new value (and the same id): a correction.
    public static func corrected(_ figure: Figure, seed: UInt64) -> Figure {
        var changed = figure
        var rng = SeededRandom(seed: seed)
        changed.value = .exact(figure.value.low + Int64.random(in: 1...9, using: &rng))
        changed.note = "Corrected after the court's registry was re-read."
        return changed
    }

    static func figure(_ index: Int, idPrefix: String, using rng: inout SeededRandom) -> Figure {
        let ukrainian = Int.random(in: 0..<10, using: &rng) == 0
        let court = ukrainian ? ukrainianCourts.randomElement(using: &rng)! : russianCourts.randomElement(using: &rng)!
        let article = ukrainian ? ukrainianArticles.randomElement(using: &rng)! : russianArticles.randomElement(using: &rng)!
        let measure = ukrainian ? ukrainianMeasures.randomElement(using: &rng)! : russianMeasures.randomElement(using: &rng)!
        let source = ukrainian ? ukrainianSources.randomElement(using: &rng)! : russianSources.randomElement(using: &rng)!
        let start = Day(year: 2022, month: 9, day: 1)!.adding(days: Int32.random(in: 0...900, using: &rng))
        let end = start.adding(days: Int32.random(in: 27...365, using: &rng))
        let count = Int64.random(in: 0...60, using: &rng) + (article.code == "337" || article.code == "407" ? Int64.random(in: 0...140, using: &rng) : 0)
        let value: Quantity = Int.random(in: 0..<20, using: &rng) == 0
            ? Quantity(qualifier: .moreThan, low: count / 10 * 10) : .exact(count)
        let published = end.adding(days: Int32.random(in: 5...120, using: &rng))
        let (year, month, _) = start.civil
        let id = "\(idPrefix)\(source.idPrefix)-\(year)-\(month < 10 ? "0" : "")\(month)-\(court.slug)-\(article.code)-\(measure.slug)-\(index)"
        let quote = quoteTemplates[index % quoteTemplates.count](QuoteParts(
            court: court.name, article: article, measure: measure, value: value, start: start, end: end, producer: source.producer))
        return Figure(
            id: id,
            category: .prosecution,
            jurisdiction: ukrainian ? "UA" : "RU",
            measure: measure.key,
            articles: [article.code],
            period: Period(start: start, end: end),
            kind: .count,
            value: value,
            citations: [Citation(producer: source.producer, outlet: source.outlets.randomElement(using: &rng)!, published: published,
                                 document: "\(source.idPrefix)-court-data-\(published.iso).csv", quote: quote)],
            note: index % 7 == 0 ? "Counted from the \(court.name)'s published case list; cases moved between courts are counted where they ended." : ""
        )
    }

    struct Court: Sendable { var name: String; var slug: String }
    struct Source: Sendable { var producer: String; var idPrefix: String; var outlets: [String] }
    struct Measure: Sendable { var key: String; var slug: String; var phrase: String }
    struct QuoteParts { var court: String; var article: Vocabulary.Article; var measure: Measure; var value: Quantity; var start: Day; var end: Day; var producer: String }

    static let russianCourts: [Court] = [
        "Moscow", "2nd Western District", "Kaliningrad", "Sevastopol", "Rostov-on-Don", "Novosibirsk", "Khabarovsk",
        "Vladivostok", "Murmansk", "Pskov", "Kursk", "Belgorod", "Voronezh", "Krasnodar", "Novocherkassk", "Vladikavkaz",
        "Budyonnovsk", "Mozdok", "Kamyshin", "Volgograd", "Samara", "Yekaterinburg", "Chelyabinsk", "Perm", "Kazan",
        "Nizhny Novgorod", "Tver", "Yaroslavl", "Kostroma", "Ulyanovsk", "Saratov", "Orenburg", "Omsk", "Tomsk",
        "Krasnoyarsk", "Irkutsk", "Chita", "Ulan-Ude", "Blagoveshchensk", "Petropavlovsk-Kamchatsky", "Yuzhno-Sakhalinsk",
        "Severomorsk", "Arkhangelsk", "Vologda", "St Petersburg", "Vyborg", "Luga", "Naro-Fominsk", "Podolsk",
        "Solnechnogorsk", "Kovrov", "Ryazan", "Tula", "Kaluga", "Smolensk", "Bryansk", "Maykop", "Makhachkala",
        "Grozny", "Nalchik", "Stavropol", "Pyatigorsk", "Simferopol", "Feodosia",
    ].map { Court(name: "\($0) Garrison Military Court", slug: slug($0) + "-garrison") }

    static let ukrainianCourts: [Court] = [
        "Shevchenkivskyi District Court of Kyiv", "Solomianskyi District Court of Kyiv", "Kharkiv Kyivskyi District Court",
        "Dnipro Industrialnyi District Court", "Odesa Prymorskyi District Court", "Lviv Halytskyi District Court",
        "Zaporizhzhia Oleksandrivskyi District Court", "Mykolaiv Tsentralnyi District Court", "Poltava Oktiabrskyi District Court",
        "Chernihiv Desnianskyi District Court", "Sumy Kovpakivskyi District Court", "Vinnytsia City Court",
        "Zhytomyr Koroliovskyi District Court", "Rivne City Court", "Uzhhorod City District Court", "Kramatorsk City Court",
    ].map { Court(name: "the \($0)", slug: slug($0)) }

    static let russianArticles = ["337", "337", "337", "337", "332", "332", "338", "339", "352.1"]
        .map { Vocabulary.standard.jurisdiction("RU")!.article($0)! }
    static let ukrainianArticles = ["407", "407", "408", "402", "409"]
        .map { Vocabulary.standard.jurisdiction("UA")!.article($0)! }

    static let russianMeasures = [
        Measure(key: "cases_received_by_courts", slug: "received", phrase: "received"),
        Measure(key: "cases_received_by_courts", slug: "received", phrase: "registered"),
        Measure(key: "convictions", slug: "convicted", phrase: "convicted"),
        Measure(key: "verdicts", slug: "verdicts", phrase: "issued verdicts in"),
        Measure(key: "defendants_tried", slug: "tried", phrase: "tried"),
    ]
    static let ukrainianMeasures = [
        Measure(key: "criminal_cases_opened", slug: "opened", phrase: "opened"),
        Measure(key: "cases_sent_to_court", slug: "sent", phrase: "sent to court"),
        Measure(key: "convictions", slug: "convicted", phrase: "convicted"),
    ]

    static let russianSources = [
        Source(producer: "Mediazona", idPrefix: "mz", outlets: ["Mediazona", "Meduza", "Kyiv Independent", "The Guardian", "BBC Russian Service"]),
        Source(producer: "Mediazona", idPrefix: "mz", outlets: ["Mediazona"]),
        Source(producer: "Mediazona and BBC Russian Service", idPrefix: "mzbbc", outlets: ["BBC Russian Service", "Mediazona"]),
        Source(producer: "Proekt", idPrefix: "pr", outlets: ["Proekt", "Novaya Gazeta Europe"]),
        Source(producer: "Verstka", idPrefix: "vs", outlets: ["Verstka", "Meduza"]),
        Source(producer: "Vot Tak", idPrefix: "vt", outlets: ["Vot Tak", "Belsat"]),
    ]
    static let ukrainianSources = [
        Source(producer: "Office of the Prosecutor General of Ukraine", idPrefix: "opg", outlets: ["Kyiv Independent", "Ukrainska Pravda", "Reuters"]),
        Source(producer: "Slidstvo.Info", idPrefix: "si", outlets: ["Slidstvo.Info", "Kyiv Independent"]),
    ]

    static let quoteTemplates: [@Sendable (QuoteParts) -> String] = [
        { p in "Between \(words(p.start)) and \(words(p.end)), the \(p.court) \(p.measure.phrase) \(number(p.value)) cases under Article \(p.article.code), \(p.article.title), according to court data compiled by \(p.producer)." },
        { p in "\(p.producer) counted \(number(p.value)) cases under Article \(p.article.code) at the \(p.court) from \(words(p.start)) to \(words(p.end))." },
        { p in "Court records show that the \(p.court) \(p.measure.phrase) \(number(p.value)) servicemen accused of \(p.article.title) (Article \(p.article.code)) in the period ending \(words(p.end))." },
        { p in "According to \(p.producer), \(number(p.value)) cases of \(p.article.title) passed through the \(p.court) between \(words(p.start)) and \(words(p.end)), most of them against mobilised men." },
    ]

    static func number(_ value: Quantity) -> String {
        let digits = String(value.low)
        return value.qualifier == .moreThan ? "more than \(digits)" : digits
    }

    static let monthNames = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
                             "October", "November", "December"]
    static func words(_ day: Day) -> String {
        let (year, month, dayOfMonth) = day.civil
        return "\(dayOfMonth) \(monthNames[month - 1]) \(year)"
    }

    static func slug(_ name: String) -> String {
        String(name.lowercased().map { $0.isLetter || $0.isNumber ? $0 : "-" })
    }
}
