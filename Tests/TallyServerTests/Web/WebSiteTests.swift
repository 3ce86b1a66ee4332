import Foundation
import Testing
import TallyCodec
import TallyModel
import TallyTestSupport

/// The page and the downloads through curl, an HTTP/2 stack that shares no code with Tally: the
/// answer on the page, validators and 304s (and new ones after a publish), the 400 page, HEAD,
/// other methods refused, and the files' formats.
@Suite(.serialized, .timeLimit(.minutes(3)), .enabled(if: PeerTools.enabled("curl"), "needs curl"))
final class WebSiteTests {
    let server: TallydProcess
    let directory: URL
    static let token = "web-token"

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("web-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let tokenFile = directory.appendingPathComponent("token")
        try Data(Self.token.utf8).write(to: tokenFile)
        server = try TallydProcess(arguments: ["--publish-token-file", tokenFile.path])
    }

    deinit {
        server.stop()
        try? FileManager.default.removeItem(at: directory)
    }

    struct Answer {
        var status: Int
        var headers: [String: String]
        var body: String
    }

    /// One GET (or what `options` make of it) through curl.
    func get(_ path: String, _ options: [String] = []) async throws -> Answer {
        let curl = try #require(PeerTools.path("curl"), "curl is not installed (make test installs it)")
        let head = directory.appendingPathComponent("head-\(UUID().uuidString)"), body = directory.appendingPathComponent("body-\(UUID().uuidString)")
        let arguments = ["-sS", "--http2-prior-knowledge", "--max-time", "20", "-D", head.path, "-o", body.path]
            + options + ["http://127.0.0.1:\(server.port)\(path)"]
        let result = try await onOwnThread { try runProcess(curl, arguments) }
        #expect(result.status == 0, "curl failed: \(result.stderr)")
        let response = try CurlClient.parse(head: (try? String(contentsOf: head, encoding: .utf8)) ?? "", body: [])
        return Answer(status: response.status, headers: response.headers, body: (try? String(contentsOf: body, encoding: .utf8)) ?? "")
    }

    static let intake = "/?from=2022-09-01&to=2025-05-31&by=article"

    @Test func thePageAnswersTheQuestionInItsURL() async throws {
        let page = try await get(Self.intake)
        #expect(page.status == 200)
        #expect(page.headers["content-type"] == "text/html; charset=utf-8")
        #expect(page.headers["content-length"] == String(page.body.utf8.count))
        #expect(page.headers["cache-control"] == "public, no-cache")
        #expect(page.headers["etag"]?.hasPrefix("\"page-v1-") == true)
        #expect(page.headers["content-security-policy"]?.hasPrefix("default-src 'none'") == true)
        #expect(page.body.contains("<td class=\"value\" id=\"total\">20,662</td>"))
        #expect(page.body.contains("<td class=\"value\" id=\"row-4\">124</td>"))
        // The same question with the defaults spelled out and an unknown parameter is the same page.
        let spelled = try await get("/?jurisdiction=RU&measure=cases_received_by_courts&from=2022-09-01&to=2025-05-31&by=article&utm_source=x")
        #expect(spelled.headers["etag"] == page.headers["etag"])
        #expect(spelled.body == page.body)
    }

    /// The page's consistency section is the server's report (`tally check`, the Consistency
    /// call): the same number of findings, and every figure a listed conflict names is linked to
    /// its entry on the page (the server keeps findings as ids, and the page reads those figures).
    @Test func theConsistencySectionListsTheReportWithItsFigures() async throws {
        let tally = TallydProcess.productsDirectory.appendingPathComponent("tally").path
        let server = "http://127.0.0.1:\(self.server.port)"
        let check = try await onOwnThread { try runProcess(tally, ["check", "--format", "json", "--server", server]) }
        try #require(check.status == 0, "\(check.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(check.stdout.utf8)) as? [String: Any])
        let findings = try #require(report["findings"] as? [[String: Any]])
        try #require(!findings.isEmpty, "the embedded dataset has findings to show")
        let page = try await get(Self.intake)
        #expect(page.body.contains("\(findings.count) finding\(findings.count == 1 ? "" : "s") in the whole dataset"))
        // The findings' list alone (its values' lists are nested inside its items).
        let start = try #require(page.body.range(of: "<ul class=\"findings\">"))
        let end = try #require(page.body.range(of: "</li>\n</ul>\n", range: start.upperBound..<page.body.endIndex))
        let section = page.body[start.upperBound..<end.lowerBound]
        // A conflict lists every figure it names under the value it states (parts that do not add
        // up list the wholes' values only).
        let conflicts = findings.prefix(50).filter { $0["kind"] as? String == "conflicting_values" }
        try #require(!conflicts.isEmpty, "the embedded dataset has conflicting statements to show")
        for finding in conflicts {
            for id in try #require(finding["figures"] as? [String]) {
                #expect(section.contains("\"><code>\(id)</code></a>"), "figure \(id) of a finding is not linked")
            }
        }
    }

    @Test func validatorsFollowTheQuestionAndTheDatasetVersion() async throws {
        let page = try await get(Self.intake)
        let tag = try #require(page.headers["etag"])
        let again = try await get(Self.intake, ["-H", "If-None-Match: \(tag)"])
        #expect(again.status == 304)
        #expect(again.body.isEmpty)
        #expect(again.headers["etag"] == tag)
        #expect(try await get(Self.intake, ["-H", "If-None-Match: \"other\", W/\(tag)"]).status == 304)
        #expect(try await get(Self.intake, ["-H", "If-None-Match: \"other\""]).status == 200)
        let other = try await get("/?by=year")
        #expect(other.headers["etag"] != tag)

        // A publish makes a new version: the old validator no longer matches, the page says v2.
        var publish = PublishRequest()
        publish.figures = [Figure(id: "web-test", category: .prosecution, jurisdiction: "UA", measure: "verdicts",
                                  period: Period(text: "2025-05-01..2025-05-31")!, kind: .count, value: .exact(1),
                                  citations: [Citation(producer: "Test", outlet: "Tally tests", document: "test", quote: "1")])]
        let published = try CurlClient(port: server.port).call(.init(path: "/tally.v1.Tally/Publish", body: EnvelopeFramer().frame(publish),
                                                                     headers: ["content-type: application/tally+proto", "authorization: Bearer \(Self.token)"]))
        #expect(try published.callStatus() == .ok)
        let fresh = try await get(Self.intake, ["-H", "If-None-Match: \(tag)"])
        #expect(fresh.status == 200)
        #expect(fresh.headers["etag"]?.hasPrefix("\"page-v2-") == true)
        #expect(fresh.body.contains("dataset version 2"))
    }

    @Test func aBadQuestionGetsAPageThatSaysWhy() async throws {
        let bad = try await get("/?from=2025-13-01&to=2025-12-31")
        #expect(bad.status == 400)
        #expect(bad.headers["content-type"] == "text/html; charset=utf-8")
        #expect(bad.headers["cache-control"] == "no-store")
        #expect(bad.body.contains("<strong>from</strong>: &#39;2025-13-01&#39; is not a date (YYYY-MM-DD)"))
        #expect(try await get("/?measure=" + String(repeating: "m", count: 3_000)).status == 414)
        #expect(try await get("/?from=%E0%80").status == 400)
    }

    @Test func headAndOtherMethods() async throws {
        let head = try await get(Self.intake, ["--head"])
        #expect(head.status == 200)
        #expect(!head.body.contains("<!DOCTYPE"), "curl --head writes only the head; the server sent a body")
        #expect(Int(head.headers["content-length"] ?? "") ?? 0 > 10_000)
        let post = try await get("/", ["-X", "POST", "--data-binary", "x=1"])
        #expect(post.status == 405)
        #expect(post.headers["allow"] == "GET, HEAD")
    }

    @Test func theFiguresAsFiles() async throws {
        let csv = try await get("/figures.csv")
        #expect(csv.status == 200)
        #expect(csv.headers["content-type"] == "text/csv; charset=utf-8; header=present")
        #expect(csv.headers["content-disposition"] == "attachment; filename=\"tally-figures-v1.csv\"")
        let lines = csv.body.split(separator: "\n")
        #expect(lines.first == "id,jurisdiction,measure,articles,start,end,kind,value,sources")
        let json = try await get("/figures.json?jurisdiction=UA")
        #expect(json.headers["content-type"] == "application/json; charset=utf-8")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.body.utf8)) as? [String: Any])
        let figures = try #require(object["figures"] as? [[String: Any]])
        #expect(!figures.isEmpty && figures.allSatisfy { $0["jurisdiction"] as? String == "UA" })
        #expect(figures.count == csv.body.split(separator: "\n").filter { $0.split(separator: ",").dropFirst().first == "UA" }.count)
        let tag = try #require(csv.headers["etag"])
        #expect(try await get("/figures.csv", ["-H", "If-None-Match: \(tag)"]).status == 304)
        let bad = try await get("/figures.csv?jurisdiction=XX")
        #expect(bad.status == 400)
        #expect(bad.body == "bad request: jurisdiction: unknown jurisdiction 'XX'; known: RU, UA\n")
    }

    /// The web routes are counted in the metrics by their own names.
    @Test func webRoutesAreCounted() async throws {
        _ = try await get("/?by=source")
        _ = try await get("/?from=bad")
        let metrics = try await get("/metrics").body
        #expect(metrics.contains("tally_requests_total{route=\"page\",code=\"200\"}"))
        #expect(metrics.contains("tally_requests_total{route=\"page\",code=\"400\"}"))
    }
}
