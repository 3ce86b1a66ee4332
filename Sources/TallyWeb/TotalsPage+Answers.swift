public import TallyCodec
public import TallyModel

extension TotalsPage {
    /// The page of `question` over a dataset: its answers computed by the engine and converted
    /// exactly as the RPCs convert them (`WireConversions`), so the page, `tally totals` and
    /// `tally check` say the same thing about the same version.
    public init(question: PageQuestion, engine: TotalsEngine, findings: [ConsistencyFinding], version: UInt64, digestHex: String) {
        func answer(_ request: TotalsRequest) -> TotalsResponse {
            guard let query = try? WireConversions.query(request) else { return TotalsResponse(datasetVersion: version) }
            return WireConversions.response(engine.totals(query), version: version)
        }
        let report = WireConversions.report(findings, version: version)
        let named = Set(report.findings.prefix(Self.maxFindings).flatMap(\.figureIDs))
        var reportFigures: [String: Figure] = [:]
        for finding in findings { for figure in finding.figures where named.contains(figure.id) { reportFigures[figure.id] = figure } }
        self.init(question: question, answer: answer(question.totalsRequest),
                  comparison: question.by == .jurisdiction ? nil : answer(question.comparisonRequest),
                  series: engine.series(question.seriesQuery), report: report, reportFigures: reportFigures,
                  datasetVersion: version, digestHex: digestHex)
    }
}

extension TotalsResponse {
    init(datasetVersion: UInt64) {
        self.init()
        self.datasetVersion = datasetVersion
    }
}
