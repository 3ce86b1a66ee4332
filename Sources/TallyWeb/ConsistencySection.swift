import TallyCodec
import TallyModel

/// The dataset's consistency report, as `tally check` gives it: statements of one number that
/// cannot all be true, and parts that do not add up to their whole, each with the values stated
/// and links to the figures (listed on the page with their quotes).
struct ConsistencySection {
    let report: ConsistencyReport
    let figures: [String: Figure]
    let limit: Int

    func render() -> String {
        guard !report.findings.isEmpty else { return "<p>No inconsistencies: no two figures contradict each other, and every set of parts adds up to its whole.</p>\n" }
        var out = "<p>\(report.findings.count) finding\(report.findings.count == 1 ? "" : "s") in the whole dataset (version \(report.datasetVersion)). Totals never rest on figures that contradict each other without saying so.</p>\n<ul class=\"findings\">\n"
        for finding in report.findings.prefix(limit) {
            let kind = finding.kind == .conflictingValues ? "Conflicting values" : "Parts do not add up"
            out += "<li><strong>\(kind):</strong> \(h(finding.summary))"
            if !finding.statedValues.isEmpty {
                out += "<ul>"
                for stated in finding.statedValues {
                    out += "<li>\(h(valueText(stated.value))): \(stated.figureIDs.map(link).joined(separator: ", "))</li>"
                }
                out += "</ul>"
            } else if !finding.figureIDs.isEmpty {
                out += " Figures: \(finding.figureIDs.map(link).joined(separator: ", "))."
            }
            out += "</li>\n"
        }
        out += "</ul>\n"
        if report.findings.count > limit {
            out += "<p class=\"muted\">\(report.findings.count - limit) more: <code>tally check</code> lists them all.</p>\n"
        }
        return out
    }

    private func link(_ id: String) -> String {
        figures[id] == nil ? "<code>\(h(id))</code>" : figureLink(id)
    }
}
