import Testing
import TallyCodec
import TallyModel
import TallyWeb

/// The page's question from its URL: the CLI's options and defaults, and a typed error per bad field.
@Suite struct PageQuestionTests {
    @Test func defaultsAreTheCLIs() throws {
        let question = try PageQuestion(query: nil)
        #expect(question.totalsRequest == TotalsRequest(jurisdiction: "RU", measure: "cases_received_by_courts"))
        #expect(question.canonicalQuery == "jurisdiction=RU&measure=cases_received_by_courts")
    }

    @Test func everyParameterIsRead() throws {
        let question = try PageQuestion(query: "jurisdiction=UA&measure=verdicts&article=407&article=408&article=407&from=2025-01-01&to=2025-05-31&by=year")
        #expect(question.totalsRequest == TotalsRequest(jurisdiction: "UA", measure: "verdicts", articles: ["407", "408"],
                                                        window: Period(text: "2025-01-01..2025-05-31"), breakdown: .year))
        #expect(question.canonicalQuery == "jurisdiction=UA&measure=verdicts&article=407&article=408&from=2025-01-01&to=2025-05-31&by=year")
        #expect(question.comparisonRequest.breakdown == .jurisdiction)
        #expect(question.figuresQuery == "jurisdiction=UA&measure=verdicts&article=407&article=408")
    }

    /// What an HTML form sends for empty fields, and parameters other sites add to shared links.
    @Test func emptyFieldsAndUnknownParametersAreIgnored() throws {
        let question = try PageQuestion(query: "jurisdiction=RU&measure=cases_received_by_courts&from=&to=&by=&utm_source=news")
        #expect(question == PageQuestion())
        #expect(try PageQuestion(query: "by=none").by == nil)
    }

    @Test func anImpossibleDateIsRejected() {
        #expect(throws: PageRequestError([.init(field: "from", problem: "'2025-13-01' is not a date (YYYY-MM-DD)")])) {
            try PageQuestion(query: "from=2025-13-01&to=2025-12-31")
        }
    }

    @Test func everyBadFieldIsNamed() {
        do {
            _ = try PageQuestion(query: "jurisdiction=XX&measure=lunches&article=999&from=2025-05-31&by=month&jurisdiction=RU")
            Issue.record("accepted")
        } catch {
            #expect(error.status == 400)
            #expect(error.violations.map(\.field) == ["jurisdiction", "measure", "article", "by", "jurisdiction", "to"])
            #expect(error.violations[0].problem == "unknown jurisdiction 'XX'; known: RU, UA")
            #expect(error.violations.last?.problem == "give both from and to, or neither (the widest window the figures cover)")
        }
        #expect(throws: PageRequestError([.init(field: "to", problem: "2025-01-01 is before from (2025-05-31)")])) {
            try PageQuestion(query: "from=2025-05-31&to=2025-01-01")
        }
        let many = (0...PageQuestion.maxArticles).map { _ in "article=337" }.joined(separator: "&")
        #expect((try? PageQuestion(query: many))?.articles == ["337"])
    }
}
