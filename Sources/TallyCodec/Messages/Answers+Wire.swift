public import TallyModel

/// A request whose fields name no valid question: one violation per field.
public struct InvalidRequest: Error, Sendable {
    public var violations: [FieldViolation]

    public init(violations: [FieldViolation]) { self.violations = violations }
}

/// Between the model's answers and the schema's messages. Server and client (offline) both answer
/// through here, so the same question gets the same bytes either way.
public enum WireConversions {
    public static func query(_ request: TotalsRequest) throws(InvalidRequest) -> TotalsQuery {
        var violations: [FieldViolation] = []
        // A comparison by jurisdiction covers them all; a jurisdiction named there only comes first.
        let comparesJurisdictions = request.breakdown == .jurisdiction && request.jurisdiction.isEmpty
        if !comparesJurisdictions && Vocabulary.standard.jurisdiction(request.jurisdiction) == nil {
            violations.append(FieldViolation(field: "jurisdiction", description: "unknown jurisdiction '\(request.jurisdiction)'"))
        }
        if Vocabulary.standard.measure(request.measure) == nil {
            violations.append(FieldViolation(field: "measure", description: "unknown measure '\(request.measure)'"))
        }
        if let window = request.window, window.end < window.start {
            violations.append(FieldViolation(field: "window.end_day", description: "window ends before it starts"))
        }
        let breakdown: TotalsQuery.Breakdown
        switch request.breakdown {
        case .none: breakdown = .none
        case .article: breakdown = .article
        case .source: breakdown = .source
        case .year: breakdown = .year
        case .jurisdiction: breakdown = .jurisdiction
        case .unrecognized(let value):
            violations.append(FieldViolation(field: "breakdown", description: "unknown breakdown \(value)"))
            breakdown = .none
        }
        guard violations.isEmpty else { throw InvalidRequest(violations: violations) }
        return TotalsQuery(jurisdiction: request.jurisdiction, measure: request.measure, articles: request.articles,
                           window: request.window, breakdown: breakdown)
    }

    public static func response(_ answer: TotalsAnswer, version: UInt64) -> TotalsResponse {
        let figures = answer.figures
        let index = Dictionary(uniqueKeysWithValues: figures.enumerated().map { ($1.id, UInt32($0)) })
        func total(_ line: TotalLine) -> Total {
            var t = Total()
            t.label = line.label
            t.value = line.value ?? Quantity()
            t.figureIndexes = line.figures.compactMap { index[$0.id] }
            t.derived = line.isDerived
            t.arithmetic = line.arithmetic
            t.period = line.period
            return t
        }
        var response = TotalsResponse()
        response.total = answer.total.map(total)
        response.breakdown = answer.breakdown.map(total)
        response.figures = figures
        response.candidates = answer.candidates.compactMap { candidate in
            index[candidate.figure.id].map { Candidate(figureIndex: $0, reason: candidate.reason) }
        }
        response.datasetVersion = version
        return response
    }

    public static func report(_ findings: [ConsistencyFinding], version: UInt64) -> ConsistencyReport {
        var report = ConsistencyReport()
        report.findings = findings.map(finding)
        report.datasetVersion = version
        return report
    }

    /// One finding as the report sends it: the figures named by id.
    public static func finding(_ finding: ConsistencyFinding) -> Finding {
        var f = Finding()
        f.kind = finding.kind == .conflictingValues ? .conflictingValues : .partsDoNotAddUp
        f.summary = finding.summary
        f.figureIDs = finding.figures.map(\.id)
        f.difference = finding.difference ?? Quantity()
        f.statedValues = finding.statedValues.map { StatedValue(value: $0.value, figureIDs: $0.figures.map(\.id)) }
        return f
    }

    public static func sources(_ figures: [Figure], version: UInt64) -> SourcesResponse {
        var byProducer: [String: SourceSummary] = [:]
        for figure in figures {
            for producer in Set(figure.citations.map(\.producer)) {
                var summary = byProducer[producer] ?? { var s = SourceSummary(); s.producer = producer; return s }()
                summary.figureCount += 1
                for citation in figure.citations where citation.producer == producer {
                    if !summary.outlets.contains(citation.outlet) { summary.outlets.append(citation.outlet) }
                    if let day = citation.published {
                        if summary.firstPublished.daysSinceEpoch == 0 || day < summary.firstPublished { summary.firstPublished = day }
                        if day > summary.lastPublished { summary.lastPublished = day }
                    }
                }
                byProducer[producer] = summary
            }
        }
        var response = SourcesResponse()
        response.sources = byProducer.values.sorted { $0.producer < $1.producer }.map { summary in
            var s = summary
            s.outlets.sort()
            return s
        }
        response.datasetVersion = version
        return response
    }

    /// Whether a figure passes a Figures request's filters (paging aside): the one definition, used
    /// by the call and by the page's downloads.
    public static func matches(_ request: FiguresRequest, _ figure: Figure) -> Bool {
        (request.jurisdiction.isEmpty || figure.jurisdiction == request.jurisdiction)
            && (request.measure.isEmpty || figure.measure == request.measure)
            && (request.articles.isEmpty || Set(request.articles) == Set(figure.articles))
            && (request.overlapping.map { figure.period.overlaps($0) } ?? true)
            && (request.category == .unspecified || figure.category == request.category)
            && (request.producer.isEmpty || figure.citations.contains { $0.producer == request.producer })
    }

    public static let defaultPageSize = 100
    public static let maxPageSize = 1_000

    /// One page of the figures matching a request's filters, in id order; `page_token` continues
    /// after the last id of the previous page.
    public static func figuresPage(_ request: FiguresRequest, from figures: [Figure], version: UInt64) throws(InvalidRequest) -> FiguresResponse {
        let limit = request.limit == 0 ? defaultPageSize : min(Int(request.limit), maxPageSize)
        var after: String?
        if !request.pageToken.isEmpty {
            guard request.pageToken.hasPrefix("after:") else {
                throw InvalidRequest(violations: [FieldViolation(field: "page_token", description: "not a token this server issued")])
            }
            after = String(request.pageToken.dropFirst("after:".count))
        }
        let matching = figures.filter { figure in
            matches(request, figure) && (after.map { $0.utf8.lexicographicallyPrecedes(figure.id.utf8) } ?? true)
        }
        var response = FiguresResponse()
        response.figures = Array(matching.prefix(limit))
        if matching.count > limit, let last = response.figures.last { response.nextPageToken = "after:\(last.id)" }
        response.datasetVersion = version
        return response
    }
}
