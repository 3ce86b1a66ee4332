import Foundation
import NIOCore
import TallyCodec
import TallyHTTP2
import TallyModel
import TallyStore
import TallyWeb

/// The read-only web routes beside the RPCs: the page at `/` and the figures as `/figures.csv`
/// and `/figures.json`. GET and HEAD only; every answer carries an ETag of the dataset version and
/// the question, and a conditional request that matches gets `304`.
///
/// Everything here runs on the request's task, never on an event loop: the answers come from the
/// version's `DatasetAnswers` (the RPCs' own), the page is rendered by `TallyWeb` and kept in
/// `RenderedPages` for the version, downloads are read from the store a page at a time and written
/// as the client reads them.
struct WebSite: Sendable {
    enum Route: String, Sendable {
        case page = "/", figuresCSV = "/figures.csv", figuresJSON = "/figures.json"

        init?(path: String) { self.init(rawValue: path) }

        /// The route's name in metrics and logs.
        var name: String {
            switch self {
            case .page: "page"
            case .figuresCSV: "figures.csv"
            case .figuresJSON: "figures.json"
            }
        }
    }

    let cache: DatasetCache
    let pages = RenderedPages()

    /// The page's policy: nothing from elsewhere (no script at all), styles only inline, images only
    /// as data, the form only to this server, never framed.
    static let contentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

    /// Answers the request; returns the HTTP status sent.
    func respond(_ route: Route, to request: HTTP2Request, with writer: HTTP2ResponseWriter) async -> Int {
        guard request.method == "GET" || request.method == "HEAD" else {
            return await send(writer, status: 405, headers: [HTTP2HeaderField("allow", "GET, HEAD")], type: "text/plain; charset=utf-8",
                              body: "\(request.method) is not allowed on \(request.path); use GET\n", head: false)
        }
        let head = request.method == "HEAD"
        switch route {
        case .page: return await page(request, writer, head: head)
        case .figuresCSV: return await figures(.csv, request, writer, head: head)
        case .figuresJSON: return await figures(.json, request, writer, head: head)
        }
    }

    private func page(_ request: HTTP2Request, _ writer: HTTP2ResponseWriter, head: Bool) async -> Int {
        let question: PageQuestion
        do throws(PageRequestError) {
            question = try PageQuestion(query: request.query)
        } catch {
            return await send(writer, status: error.status, headers: Self.pageHeaders + [HTTP2HeaderField("cache-control", "no-store")],
                              type: "text/html; charset=utf-8", body: ErrorPage(error: error).render(), head: head)
        }
        let current = cache.value
        let key = question.canonicalQuery
        let tag = EntityTag.make("page", state: current.state, query: key)
        let validators = [HTTP2HeaderField("etag", tag), HTTP2HeaderField("cache-control", "public, no-cache"),
                          HTTP2HeaderField("tally-dataset-version", String(current.state.version))]
        if EntityTag.matches(ifNoneMatch: request.headers["if-none-match"], tag) {
            try? await writer.writeHead(status: 304, headers: validators, endStream: true)
            return 304
        }
        let body: ByteBuffer
        if let cached = pages.page(version: current.state.version, question: key) {
            body = cached
        } else {
            do {
                body = ByteBuffer(string: try await Self.render(question, current))
            } catch {
                return await send(writer, status: 503, headers: [HTTP2HeaderField("cache-control", "no-store")], type: "text/plain; charset=utf-8",
                                  body: "the answer could not be worked out: \(error)\n", head: head)
            }
            pages.insert(body, version: current.state.version, question: key)
        }
        return await send(writer, status: 200, headers: Self.pageHeaders + validators, type: "text/html; charset=utf-8", body: body, head: head)
    }

    static func render(_ question: PageQuestion, _ current: DatasetCache.Current) async throws -> String {
        let answers = current.answers
        func answer(_ request: TotalsRequest) async throws -> TotalsResponse {
            do {
                return try await answers.totals(request)
            } catch is InvalidRequest {
                var empty = TotalsResponse()
                empty.datasetVersion = answers.version
                return empty
            }
        }
        let comparison = question.by == .jurisdiction ? nil : try await answer(question.comparisonRequest)
        // The report names figures by id; the page shows those of the findings it lists.
        let report = try await answers.consistency()
        let named = Set(report.findings.prefix(TotalsPage.maxFindings).flatMap(\.figureIDs))
        let reportFigures = Dictionary(try await answers.reader.figures(ids: named.sorted()).map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        return TotalsPage(question: question, answer: try await answer(question.totalsRequest), comparison: comparison,
                          series: try await answers.series(question.seriesQuery), report: report, reportFigures: reportFigures,
                          datasetVersion: answers.version, digestHex: answers.state.digestHex).render()
    }

    private func figures(_ format: FigureExport.Format, _ request: HTTP2Request, _ writer: HTTP2ResponseWriter, head: Bool) async -> Int {
        let export: FigureExport
        do throws(PageRequestError) {
            export = try FigureExport(format: format, query: request.query)
        } catch {
            let text = "bad request: " + error.violations.map(\.description).joined(separator: "; ") + "\n"
            return await send(writer, status: error.status, headers: [HTTP2HeaderField("cache-control", "no-store")],
                              type: "text/plain; charset=utf-8", body: text, head: head)
        }
        let current = cache.value
        let version = current.state.version
        let tag = EntityTag.make("figures-\(format.rawValue)", state: current.state, query: export.canonicalQuery)
        let headers = [HTTP2HeaderField("content-type", format.contentType), HTTP2HeaderField("etag", tag),
                       HTTP2HeaderField("cache-control", "public, no-cache"), HTTP2HeaderField("tally-dataset-version", String(version)),
                       HTTP2HeaderField("content-disposition", "attachment; filename=\"\(export.fileName(version: version))\""),
                       HTTP2HeaderField("x-content-type-options", "nosniff")]
        if EntityTag.matches(ifNoneMatch: request.headers["if-none-match"], tag) {
            try? await writer.writeHead(status: 304, headers: Array(headers.dropFirst()), endStream: true)
            return 304
        }
        if head {
            try? await writer.writeHead(status: 200, headers: headers, endStream: true)
            return 200
        }
        do {
            try await writer.writeHead(status: 200, headers: headers)
            var request = export.filter
            request.limit = UInt32(FigureExport.batchSize)
            var pending = export.header(version: version)
            var isFirst = true
            while true {
                // A page of the store at a time; each write waits while the stream has its cap
                // unsent, so a slow reader slows this loop and memory stays one page.
                let page = try await current.answers.figures(request)
                pending += export.rows(page.figures[...], isFirst: isFirst)
                isFirst = false
                if page.nextPageToken.isEmpty { pending += export.footer }
                try await writer.write(ByteBuffer(string: pending))
                pending = ""
                if page.nextPageToken.isEmpty { break }
                request.pageToken = page.nextPageToken
            }
            try await writer.finish()
        } catch {
            // The client went away; nobody is left to tell.
        }
        return 200
    }

    static let pageHeaders = [
        HTTP2HeaderField("content-security-policy", contentSecurityPolicy),
        HTTP2HeaderField("x-content-type-options", "nosniff"),
        HTTP2HeaderField("referrer-policy", "same-origin"),
    ]

    private func send(_ writer: HTTP2ResponseWriter, status: Int, headers: [HTTP2HeaderField], type: String, body: String, head: Bool) async -> Int {
        await send(writer, status: status, headers: headers, type: type, body: ByteBuffer(string: body), head: head)
    }

    /// A whole response in one step, with its length; for HEAD, the head alone.
    private func send(_ writer: HTTP2ResponseWriter, status: Int, headers: [HTTP2HeaderField], type: String, body: ByteBuffer, head: Bool) async -> Int {
        let fields = [HTTP2HeaderField("content-type", type), HTTP2HeaderField("content-length", String(body.readableBytes))] + headers
        if head {
            try? await writer.writeHead(status: status, headers: fields, endStream: true)
        } else {
            try? await writer.respond(HTTP2PreparedResponse(status: status, headers: fields, body: body, trailers: []))
        }
        return status
    }
}
