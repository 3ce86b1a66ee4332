public import TallyCodec
public import TallyModel
import Synchronization

/// The answers of one version of the dataset, computed from a `DatasetReader` of that version:
/// the server's, over its store, and a client's, over its local copy, are this same code, so one
/// question gets the same bytes online and offline.
///
/// Nothing here holds the whole dataset: totals load the figures of the jurisdictions a question
/// is about (kept for the version, up to `engineLimit` figures), figures pages and the sources
/// summary come from the database's own selecting and grouping, the consistency report from the
/// groups that can disagree (`ConsistencyFindings`).
public final class DatasetAnswers: Sendable {
    public let reader: any DatasetReader
    /// Most figures one totals engine may hold; a question over more is `resource_exhausted`.
    public let engineLimit: Int
    private let findings: ConsistencyFindings?
    private let engines = Mutex<[Set<String>: TotalsEngine]>([:])
    private let sourcesAnswer = Mutex<SourcesResponse?>(nil)

    /// `findings`: the report kept across versions by a server; nil: worked out when asked.
    public init(reader: any DatasetReader, findings: ConsistencyFindings? = nil, engineLimit: Int = 250_000) {
        self.reader = reader
        self.findings = findings
        self.engineLimit = engineLimit
    }

    public var state: DatasetState { reader.state }
    public var version: UInt64 { reader.state.version }

    public func totals(_ request: TotalsRequest) async throws -> TotalsResponse {
        let query = try WireConversions.query(request)
        var jurisdictions: Set<String> = [query.jurisdiction]
        if query.breakdown == .jurisdiction { jurisdictions.formUnion(Vocabulary.standard.jurisdictions.map(\.code)) }
        return WireConversions.response(try await engine(for: jurisdictions).totals(query), version: version)
    }

    /// The running totals of one measure over time (the web page's series; `tally chart --series`
    /// builds the same from Figures pages).
    public func series(_ query: SeriesQuery) async throws -> CumulativeSeries {
        try await engine(for: [query.jurisdiction]).series(query)
    }


    private func engine(for jurisdictions: Set<String>) async throws -> TotalsEngine {
        if let engine = engines.withLock({ $0[jurisdictions] }) { return engine }
        let engine = TotalsEngine(figures: try await reader.figures(jurisdictions: jurisdictions, limit: engineLimit))
        engines.withLock { $0[jurisdictions] = engine }
        return engine
    }

    public static let defaultPageSize = WireConversions.defaultPageSize
    public static let maxPageSize = WireConversions.maxPageSize

    /// One page of the figures matching a request's filters, in id order; `page_token` continues
    /// after the last id of the previous page, and a token past the end gives an empty last page.
    public func figures(_ request: FiguresRequest) async throws -> FiguresResponse {
        let limit = request.limit == 0 ? Self.defaultPageSize : min(Int(request.limit), Self.maxPageSize)
        var after: String?
        if !request.pageToken.isEmpty {
            guard request.pageToken.hasPrefix("after:") else {
                throw InvalidRequest(violations: [FieldViolation(field: "page_token", description: "not a token this server issued")])
            }
            after = String(request.pageToken.dropFirst("after:".count))
        }
        let query = FigureQuery(jurisdiction: request.jurisdiction.isEmpty ? nil : request.jurisdiction,
                                measure: request.measure.isEmpty ? nil : request.measure,
                                articles: request.articles.isEmpty ? nil : Set(request.articles),
                                overlapping: request.overlapping,
                                category: request.category == .unspecified ? nil : request.category,
                                producer: request.producer.isEmpty ? nil : request.producer,
                                after: after, limit: limit + 1)
        let matching = try await reader.figures(query)
        var response = FiguresResponse()
        response.figures = Array(matching.prefix(limit))
        if matching.count > limit, let last = response.figures.last { response.nextPageToken = "after:\(last.id)" }
        response.datasetVersion = version
        return response
    }

    public func sources() async throws -> SourcesResponse {
        if let answer = sourcesAnswer.withLock({ $0 }) { return answer }
        var response = SourcesResponse()
        response.sources = try await reader.producerSummaries().map { summary in
            var wire = SourceSummary()
            wire.producer = summary.producer
            wire.outlets = summary.outlets
            wire.figureCount = UInt32(summary.figureCount)
            if let first = summary.firstPublished { wire.firstPublished = first }
            if let last = summary.lastPublished { wire.lastPublished = last }
            return wire
        }
        response.datasetVersion = version
        sourcesAnswer.withLock { $0 = response }
        return response
    }

    public func consistency() async throws -> ConsistencyReport {
        if let findings { return findings.report(version: version) }
        return try await ConsistencyFindings(reader: reader).report(version: version)
    }
}
