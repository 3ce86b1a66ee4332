/// The page for a question that cannot be asked (HTTP 400, or 414 for a query too long to read):
/// what is wrong with which field, in words, and the form again with the defaults, so the reader
/// can ask anew. Nothing from the request appears unescaped.
public struct ErrorPage: Sendable {
    public let error: PageRequestError

    public init(error: PageRequestError) {
        self.error = error
    }

    public func render() -> String {
        var body = "<h1>This question cannot be answered as asked</h1>\n"
        body += "<div class=\"errors\" role=\"alert\"><h2 id=\"problems\">What is wrong</h2><ul>\n"
        for violation in error.violations {
            body += "<li><strong>\(h(violation.field))</strong>: \(h(violation.problem))</li>\n"
        }
        body += "</ul></div>\n"
        body += "<h2 id=\"ask\">Ask again</h2>\n" + QuestionForm(question: PageQuestion()).render()
        return PageLayout.document(title: "Bad question (\(error.status)) — Tally", body: body)
    }

    /// A page for a path that does not exist.
    public static func notFound(path: String) -> String {
        PageLayout.document(title: "Not found — Tally", body: """
            <h1>Nothing here</h1>
            <p>There is no page at <code>\(h(path))</code>. The totals are at <a href="/">the front page</a>; \
            the figures as <a href="/figures.csv">CSV</a> and <a href="/figures.json">JSON</a>.</p>

            """)
    }
}
