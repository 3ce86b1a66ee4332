import TallyModel

/// The frame every page shares: `lang`, charset, a viewport, the title, the inline style sheet
/// (no file, font or script is fetched: the page is one response), a header naming the site and a
/// footer. `body` is HTML already escaped by its writer.
enum PageLayout {
    static func document(title: String, body: String) -> String {
        """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(h(title))</title>
        <link rel="icon" href="data:,">
        <style>\(PageStyle.css)</style>
        </head>
        <body>
        <header class="site"><p><a href="/">Tally</a> · prosecutions for refusal to serve, every number with its sources</p></header>
        <main>
        \(body)
        </main>
        <footer class="site"><p>Tally reads published figures (Mediazona, Proekt, UK Defence Intelligence, Ukraine's Office of the \
        Prosecutor General and others) and adds them only where they may honestly be combined. The same answers: \
        <code>tally totals</code> on the command line.</p></footer>
        </body>
        </html>

        """
    }
}

/// Escapes text for HTML; every value from the data or the request goes through here.
func h(_ text: String) -> String { HTMLText.escape(text) }

/// "Criminal cases received by courts".
func measureName(_ key: String) -> String {
    let text = Vocabulary.standard.measure(key)?.description ?? key
    return text.prefix(1).uppercased() + text.dropFirst()
}

func jurisdictionName(_ code: String) -> String {
    Vocabulary.standard.jurisdiction(code)?.name ?? code
}

/// "all articles together", "article 337", "articles 337, 332".
func articlesPhrase(_ articles: [String]) -> String {
    switch articles.count {
    case 0: "all refusal-to-serve articles together"
    case 1: "article \(articles[0])"
    default: "articles \(articles.joined(separator: ", "))"
    }
}

private let monthNames = ["January", "February", "March", "April", "May", "June", "July", "August",
                          "September", "October", "November", "December"]

/// "1 September 2022".
func dateText(_ day: Day) -> String {
    let (y, m, d) = day.civil
    return "\(d) \(monthNames[m - 1]) \(y)"
}

/// "1 September 2022 – 31 May 2025", or the empty string for an unset period.
func periodText(_ period: Period) -> String {
    guard period != .unset else { return "" }
    return period.start == period.end ? dateText(period.start) : "\(dateText(period.start)) – \(dateText(period.end))"
}

/// "1 Sep 2022": for table cells, where a whole window must fit on one line.
func shortDateText(_ day: Day) -> String {
    let (y, m, d) = day.civil
    return "\(d) \(monthNames[m - 1].prefix(3)) \(y)"
}

/// `<time>` elements for a period, machine-readable as ISO dates; `short` months in tables.
func periodHTML(_ period: Period, short: Bool = false) -> String {
    guard period != .unset else { return "" }
    let text = short ? shortDateText : dateText
    if period.start == period.end { return "<time datetime=\"\(period.start.iso)\">\(h(text(period.start)))</time>" }
    return "<time datetime=\"\(period.start.iso)\">\(h(text(period.start)))</time> – <time datetime=\"\(period.end.iso)\">\(h(text(period.end)))</time>"
}

/// A value as a reader says it: "20,662", "more than 4,600"; "not available" for none.
func valueText(_ quantity: Quantity) -> String {
    quantity.qualifier == .unspecified ? "not available" : quantity.description
}

