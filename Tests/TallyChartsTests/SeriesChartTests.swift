import Testing
import TallyCharts
import TallyModel

@Suite struct SeriesChartTests {
    let series = GoldenCharts.engine.series(SeriesQuery(jurisdiction: "RU", measure: "cases_received_by_courts"))

    @Test func columnsDatesIntakeAndDerivedMarks() {
        let chart = SeriesChart(series: series, datasetVersion: 1).render()
        #expect(chart.title == "Criminal cases received by courts in Russia since September 2022")
        for text in [">10,025<", ">16,312<", ">20,662<", ">+6,287<", ">+4,350<", ">May 2024<", ">Dec 2024<", ">May 2025<"] {
            #expect(chart.svg.contains(text), "\(text)")
        }
        #expect(chart.svg.contains("url(#tally-chart-derived)"))
        #expect(chart.svg.contains("Derived: computed"))
    }

    @Test func textAlternativeGivesEachStepAndItsArithmetic() {
        let text = SeriesChart(series: series, datasetVersion: 1).textAlternative()
        #expect(text.contains("By 31 May 2024: 10,025."))
        #expect(text.contains("By 31 December 2024: 16,312 (derived: (20,662 − 4,350) = 16,312); added since 31 May 2024: 6,287 (derived: (20,662 − 10,025 − 4,350) = 6,287)."))
        #expect(text.contains("By 31 May 2025: 20,662; added since 31 December 2024: 4,350."))
        #expect(text.hasSuffix("Source: Mediazona, via Kyiv Independent and unnamed outlet (Islamabad dateline). Chart: Tally, dataset version 1."))
    }

    @Test func anEmptySeriesSaysSo() {
        let empty = GoldenCharts.engine.series(SeriesQuery(jurisdiction: "UA", measure: "convictions"))
        let chart = SeriesChart(series: empty, datasetVersion: 3).render()
        #expect(chart.svg.contains("No counts of this measure can be put on a timeline."))
        #expect(chart.textAlternative.contains("No counts of this measure can be put on a timeline."))
    }
}
