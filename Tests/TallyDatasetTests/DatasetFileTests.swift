import Foundation
import Testing
import TallyDataset
import TallyModel

@Suite struct DatasetFileTests {
    let good = """
    figures:
      - id: a-1
        category: prosecution
        jurisdiction: RU
        measure: convictions
        articles: ["337"]
        period: 2023-01-01..2023-12-31
        kind: count
        value: "more than 4,600"
        citations:
          - producer: Proekt
            outlet: The Moscow Times
            published: 2024-02-22
            document: 001.txt
            quote: "more than 4,600 soldiers"
    """

    private func problems(_ text: String) -> [String] {
        do {
            _ = try DatasetFile.parse(text)
            return []
        } catch {
            return error.problems.map { "\($0.line.map(String.init) ?? "-") \($0.violation.field): \($0.violation.problem)" }
        }
    }

    @Test func parsesAFigure() throws {
        let figures = try DatasetFile.parse(good)
        #expect(figures.count == 1)
        #expect(figures[0].value == Quantity(qualifier: .moreThan, low: 4_600))
        #expect(figures[0].citations[0].published == Day(iso: "2024-02-22"))
    }

    @Test func everyProblemIsNamedWithItsLineAndNothingIsReturned() {
        let bad = good
            .replacingOccurrences(of: "period: 2023-01-01..2023-12-31", with: "period: 2023-12-31..2023-01-01")
            .replacingOccurrences(of: "value: \"more than 4,600\"", with: "value: \"lots\"")
            .replacingOccurrences(of: "published: 2024-02-22", with: "published: 22/02/2024")
            .replacingOccurrences(of: "kind: count", with: "kind: count\n    qoute: typo")
        #expect(problems(bad) == [
            "9 qoute: unknown field (known: articles, category, citations, id, jurisdiction, kind, measure, note, period, rate_unit, value)",
            "10 value: 'lots' is not a quantity ('18,159', 'more than 20,000', 'about 1,000', '700 to 800', ...)",
            "14 citations[0].published: expected YYYY-MM-DD or 'unknown', got '22/02/2024'",
            "2 period.end_day: ends (2023-01-01) before it starts (2023-12-31)",
        ])
    }

    @Test func structuralProblems() {
        #expect(problems("figures: 5") == ["1 figures: must be a list"])
        #expect(problems("other: []").first?.hasSuffix("the file must be a mapping with a 'figures:' list") == true)
        #expect(problems("figures: [1]") == ["1 : must be a mapping of fields"])
        #expect(problems("figures:\n  - {id: x, articles: 337}").contains("2 articles: must be a list, e.g. [\"337\"]"))
        #expect(problems("figures: [").first?.contains("not valid YAML") == true)
    }

    @Test func duplicateIDsAreRefused() {
        let twice = good + "\n" + good.split(separator: "\n").dropFirst().joined(separator: "\n")
        #expect(problems(twice) == ["16 id: duplicate of figures[0]"])
    }
}
