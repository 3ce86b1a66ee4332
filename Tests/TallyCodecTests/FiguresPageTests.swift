import Testing
import TallyCodec
import TallyModel

/// Paging of the Figures call as PROTOCOL.md ("Figures pages") specifies it: id order, a token
/// that continues after the last id, an empty last page for a token past the end, and a typed
/// error for a token the server did not issue.
@Suite struct FiguresPageTests {
    static let figures = ["a", "b", "c", "d", "e"].map { Figure(id: "f-\($0)", jurisdiction: "RU", measure: "verdicts") }

    func page(limit: UInt32, token: String = "") throws -> FiguresResponse {
        var request = FiguresRequest()
        request.limit = limit
        request.pageToken = token
        return try WireConversions.figuresPage(request, from: Self.figures, version: 4)
    }

    @Test func pagesFollowEachOtherInIdOrder() throws {
        let first = try page(limit: 2)
        #expect(first.figures.map(\.id) == ["f-a", "f-b"])
        #expect(first.nextPageToken == "after:f-b")
        let second = try page(limit: 2, token: first.nextPageToken)
        #expect(second.figures.map(\.id) == ["f-c", "f-d"])
        let last = try page(limit: 2, token: second.nextPageToken)
        #expect(last.figures.map(\.id) == ["f-e"])
        #expect(last.nextPageToken.isEmpty)
        #expect(last.datasetVersion == 4)
    }

    /// A token past the last figure (whose figure was retracted meanwhile, say) is an empty page.
    @Test func aTokenPastTheEndGivesAnEmptyLastPage() throws {
        let past = try page(limit: 2, token: "after:f-z")
        #expect(past.figures.isEmpty)
        #expect(past.nextPageToken.isEmpty)
        // A token between ids continues after it, whether or not that figure still exists.
        #expect(try page(limit: 10, token: "after:f-bb").figures.map(\.id) == ["f-c", "f-d", "f-e"])
    }

    @Test func aTokenNotIssuedByTheServerIsInvalid() {
        #expect(throws: InvalidRequest.self) { try page(limit: 2, token: "3") }
        do {
            _ = try page(limit: 2, token: "page-2")
            Issue.record("accepted")
        } catch let error as InvalidRequest {
            #expect(error.violations == [FieldViolation(field: "page_token", description: "not a token this server issued")])
        } catch {
            Issue.record("\(error)")
        }
    }
}
