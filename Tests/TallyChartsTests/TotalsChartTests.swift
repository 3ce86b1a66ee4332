import Testing
import TallyCharts
import TallyCodec
import TallyModel

/// What the bar chart says, in its SVG and in its text alternative.
@Suite struct TotalsChartTests {
    let byArticle = try! GoldenCharts.totals(TotalsRequest(jurisdiction: "RU", measure: "cases_received_by_courts",
                                                           window: GoldenCharts.window("2022-09-01..2025-05-31"), breakdown: .article))

    @Test func titleWindowValuesAndSources() {
        #expect(byArticle.title == "Criminal cases received by courts in Russia, by article")
        #expect(byArticle.svg.contains(">1 September 2022 – 31 May 2025 · all refusal-to-serve articles<"))
        for value in ["20,662", "18,159", "1,369", "1,010", "124"] { #expect(byArticle.svg.contains(">\(value)<")) }
        #expect(byArticle.svg.contains("Source: Mediazona, via unnamed outlet (Islamabad dateline) and Kyiv Independent. Chart: Tally, dataset version 1."))
    }

    @Test func theRemainderIsMarkedAndExplained() {
        #expect(byArticle.svg.contains("fill=\"url(#tally-chart-remainder)\""))
        #expect(byArticle.svg.contains("Not attributed: the part of the total"))
        #expect(byArticle.textAlternative.contains("Not attributed to an article: 124, derived: 20,662 − (1,369 + 18,159 + 1,010) = 124."))
        // Nothing else is derived, so the derived note is not shown.
        #expect(!byArticle.svg.contains("Derived: computed"))
    }

    @Test func textAlternativeReadsAsSentences() {
        #expect(byArticle.textAlternative.hasPrefix("Bar chart: Criminal cases received by courts in Russia, by article. 1 September 2022 – 31 May 2025 · all refusal-to-serve articles. All articles: 20,662. Article 332: 1,369."))
        #expect(byArticle.textAlternative.hasSuffix("Chart: Tally, dataset version 1."))
    }

    @Test func quotesFromTheDataAreEscaped() {
        let chart = TotalsChart(request: GoldenCharts.qualifiersRequest, response: GoldenCharts.qualifiersResponse).render()
        #expect(chart.svg.contains("&quot;Dozor&quot; &amp; &lt;Partners&gt;"))
        #expect(chart.svg.contains("O&apos;Neill&apos;s Weekly"))
        #expect(!chart.svg.contains("<Partners>") && !chart.svg.contains("\"Dozor\""))
        // Every qualifier is in words, and each mark's note is in the legend.
        for text in [">90,000 to 120,000<", ">about 100,000<", ">at most 30,000<", ">more than 60,000<", ">not available<"] {
            #expect(chart.svg.contains(text), "\(text)")
        }
        for note in ["Lighter band:", "Arrowhead: a lower bound", "Derived: computed"] { #expect(chart.svg.contains(note)) }
        #expect(chart.textAlternative.contains("Nobody: not available (Nobody's figures do not cover the window)."))
    }

    @Test func theComparisonHasNoTotalAndSaysWhy() throws {
        let chart = try GoldenCharts.totals(TotalsRequest(jurisdiction: "RU", measure: "cases_received_by_courts",
                                                          window: GoldenCharts.window("2025-01-01..2025-05-31"), breakdown: .jurisdiction))
        #expect(chart.title == "Criminal cases received by courts: Russia and Ukraine")
        #expect(chart.textAlternative.contains("Russia: 4,350. Ukraine: 2,355."))
        #expect(!chart.textAlternative.contains("Total"))
        #expect(chart.svg.contains("they are compared, never added"))
    }

    @Test func nothingToDrawSaysSoWithTheNearestFigures() throws {
        let chart = try GoldenCharts.totals(TotalsRequest(jurisdiction: "RU", measure: "convictions", window: GoldenCharts.window("2023-01-01..2023-12-31")))
        #expect(chart.svg.contains("No figures answer this question without double counting."))
        #expect(chart.textAlternative.contains("Nearest: "))
        #expect(chart.svg.contains("Source: none"))
    }

    @Test func optionsChangeTitleWidthAndIds() throws {
        let chart = try GoldenCharts.totals(TotalsRequest(jurisdiction: "RU", measure: "cases_received_by_courts", breakdown: .article),
                                            options: ChartOptions(width: 900, title: "Intake \"since mobilisation\"", idPrefix: "c2"))
        #expect(chart.width == 900 && chart.svg.contains("width=\"900\""))
        #expect(chart.svg.contains("<title id=\"c2-title\">Intake &quot;since mobilisation&quot;</title>"))
        #expect(chart.svg.contains("url(#c2-remainder)") && !chart.svg.contains("tally-chart"))
    }
}
