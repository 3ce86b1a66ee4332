public import TallyCodec
public import TallyModel

extension TotalsPage {
    /// The page of `question` from its answers as the RPCs give them (the same `WireConversions`),
    /// so the page, `tally totals` and `tally check` say the same thing about the same version.
    /// `findings` are the consistency findings in report order.
    public init(question: PageQuestion, answer: TotalsResponse, comparison: TotalsResponse?, series: CumulativeSeries,
                findings: [ConsistencyFinding], version: UInt64, digestHex: String) {
        let report = WireConversions.report(findings, version: version)
        let named = Set(report.findings.prefix(Self.maxFindings).flatMap(\.figureIDs))
        var reportFigures: [String: Figure] = [:]
        for finding in findings { for figure in finding.figures where named.contains(figure.id) { reportFigures[figure.id] = figure } }
        self.init(question: question, answer: answer, comparison: question.by == .jurisdiction ? nil : comparison,
                  series: series, report: report, reportFigures: reportFigures, datasetVersion: version, digestHex: digestHex)
    }
}

extension TotalsResponse {
    init(datasetVersion: UInt64) {
        self.init()
        self.datasetVersion = datasetVersion
    }
}
