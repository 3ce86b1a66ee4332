import Foundation
import Testing
import TallyCodec
import TallyDataset
import TallyModel
import TallyWeb

/// The page over the embedded dataset: the answers the seed articles imply (as in
/// SeedTotalsTests), the figures behind them one click away, the accessibility basics, and
/// nothing from the data or the request that escapes into markup.
@Suite struct TotalsPageTests {
    let figures: [Figure]

    init() throws {
        figures = try EmbeddedDataset.load()
    }

    /// The page as the server makes it, from answers of an engine over `figures` (the server's
    /// answers come through its store, and are checked against this engine in the store tests).
    func render(_ query: String?, figures: [Figure]? = nil) throws -> String {
        let figures = figures ?? self.figures
        let question = try PageQuestion(query: query)
        let engine = TotalsEngine(figures: figures)
        func answer(_ request: TotalsRequest) -> TotalsResponse {
            guard let query = try? WireConversions.query(request) else {
                var empty = TotalsResponse()
                empty.datasetVersion = 3
                return empty
            }
            return WireConversions.response(engine.totals(query), version: 3)
        }
        return TotalsPage(question: question, answer: answer(question.totalsRequest), comparison: answer(question.comparisonRequest),
                          series: engine.series(question.seriesQuery), findings: ConsistencyCheck.findings(in: figures),
                          version: 3, digestHex: "ab12").render()
    }

    @Test func intakeSinceMobilisationByArticle() throws {
        let page = try render("from=2022-09-01&to=2025-05-31&by=article")
        #expect(page.contains("<td class=\"value\" id=\"total\">20,662</td>"))
        #expect(page.contains("<th scope=\"row\">Article 337</th><td class=\"value\" id=\"row-2\">18,159</td>"))
        #expect(page.contains("<th scope=\"row\">Not attributed to an article</th><td class=\"value\" id=\"row-4\">124</td>"))
        // The number links to its figure, which the page shows with its quote and source.
        #expect(page.contains("<a href=\"#figure-mz-2025-06-ru-received-total\">"))
        #expect(page.contains("<article class=\"figure\" id=\"figure-mz-2025-06-ru-received-total\">"))
        #expect(page.contains("<blockquote"))
        // The conflicting statement of the same number is listed, not added.
        #expect(page.contains("Figures not added (they would double count)"))
        #expect(page.contains("Conflicting values"))
    }

    @Test func derivedAndUnavailableAnswersSayWhy() throws {
        let derived = try render("from=2024-06-01&to=2024-12-31")
        #expect(derived.contains("<span class=\"derived\">derived:</span>"))
        let none = try render("measure=convictions&from=2023-01-01&to=2023-12-31")
        #expect(none.contains("<strong>Not available:</strong>"))
        #expect(none.contains("The nearest figures, and why they do not answer it"))
    }

    @Test func russiaAndUkraineSideBySide() throws {
        let page = try render("by=jurisdiction&from=2025-01-01&to=2025-05-31")
        #expect(page.contains("<td class=\"value\" id=\"row-1\">4,350</td>"))
        #expect(page.contains("<td class=\"value\" id=\"row-2\">2,355</td>"))
        #expect(!page.contains("id=\"total\""))
        #expect(!page.contains("id=\"chart-comparison\""), "the answer is the comparison already")
    }

    /// Headings, lang, labelled controls, captioned tables with scoped headers, and a text
    /// alternative for each of the three charts.
    @Test func accessibilityBasics() throws {
        let page = try render("from=2022-09-01&to=2025-05-31&by=article")
        #expect(page.hasPrefix("<!DOCTYPE html>\n<html lang=\"en\">"))
        #expect(page.contains("<meta charset=\"utf-8\">"))
        #expect(page.components(separatedBy: "<h1>").count == 2)
        for control in ["jurisdiction", "measure", "from", "to", "by"] {
            #expect(page.contains("<label for=\"\(control)\">"), "\(control)")
            #expect(page.contains("id=\"\(control)\" name=\"\(control)\""), "\(control)")
        }
        #expect(page.contains("<label class=\"choice\" for=\"article-337\""))
        #expect(page.contains("<caption>"))
        #expect(page.contains("<th scope=\"col\">Value</th>"))
        for chart in ["chart-answer", "chart-comparison", "chart-series"] {
            #expect(page.contains("<figure id=\"\(chart)\">"))
            #expect(page.contains("aria-labelledby=\"\(chart)-title \(chart)-desc\""))
        }
        #expect(page.components(separatedBy: "the chart as text</summary>").count == 4)
    }

    /// Anchors and labels work only if every id is unique, the charts' inner ids included.
    @Test func idsAreUnique() throws {
        for query in ["from=2022-09-01&to=2025-05-31&by=article", "by=jurisdiction", "measure=convictions"] {
            let ids = try render(query).matches(of: /\sid="([^"]+)"/).map { String($0.1) }
            #expect(ids.count > 30)
            #expect(Set(ids).count == ids.count, "duplicate ids for \(query): \(Dictionary(grouping: ids) { $0 }.filter { $0.value.count > 1 }.keys.sorted())")
        }
    }

    /// Nothing fetched from anywhere: no script, no external style sheet, font or image.
    @Test func selfContained() throws {
        let page = try render(nil)
        #expect(!page.contains("<script"))
        #expect(!page.contains("src="))
        #expect(!page.contains("@import") && !page.contains("url(http") && !page.contains("@font-face"))
        #expect(!page.contains("rel=\"stylesheet\""))
    }

    /// A quote, a note, an outlet and a URL that try to write markup are shown as text.
    @Test func dataIsEscaped() throws {
        var hostile = figures
        let index = try #require(hostile.firstIndex { $0.id == "mz-2025-06-ru-received-total" })
        hostile[index].note = "</dd><script>alert(1)</script>"
        hostile[index].citations[0].quote = "\"><img src=x onerror=alert(2)> & 'more'"
        hostile[index].citations[0].outlet = "<b>outlet</b>"
        hostile[index].citations[0].url = "javascript:alert(3)"
        let page = try render("from=2022-09-01&to=2025-05-31&by=article", figures: hostile)
        #expect(!page.contains("<script>alert(1)"))
        #expect(page.contains("&lt;/dd&gt;&lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(page.contains("&quot;&gt;&lt;img src=x onerror=alert(2)&gt; &amp; &#39;more&#39;"))
        #expect(!page.contains("<b>outlet</b>"))
        #expect(!page.contains("javascript:"))
    }

    @Test func theErrorPageNamesTheFieldAndEscapesTheValue() {
        do {
            _ = try PageQuestion(query: "from=2025-13-01&to=%3Cb%3E")
            Issue.record("accepted")
        } catch {
            let page = ErrorPage(error: error).render()
            #expect(page.contains("<strong>from</strong>: &#39;2025-13-01&#39; is not a date (YYYY-MM-DD)"))
            #expect(page.contains("&#39;&lt;b&gt;&#39; is not a date"))
            #expect(!page.contains("<b>"))
            #expect(page.contains("role=\"alert\""))
        }
    }
}
