import ArgumentParser
import TallyCodec
import TallyModel

/// The question `totals` answers and `chart` draws: one definition, so both commands take the same
/// options with the same checks.
struct QuestionOptions: ParsableArguments {
    enum By: String, ExpressibleByArgument, CaseIterable { case article, source, year, jurisdiction }

    @Option(help: "Jurisdiction: RU or UA (with --by jurisdiction: the one listed first).") var jurisdiction = "RU"
    @Option(help: "What is counted, e.g. cases_received_by_courts, convictions, verdicts.") var measure = "cases_received_by_courts"
    @Option(name: .customLong("article"), help: "Criminal-code article (repeat for several); none: all articles together.") var articles: [String] = []
    @Option(help: "First day of the window, YYYY-MM-DD.") var from: String?
    @Option(help: "Last day of the window, YYYY-MM-DD.") var to: String?
    @Option(help: "Breakdown: article, source, year, or jurisdiction (RU and UA side by side).") var by: By?

    func validate() throws {
        if (from == nil) != (to == nil) { throw ValidationError("Give both --from and --to, or neither (the widest window the figures cover).") }
        if let from, Day(iso: from) == nil { throw ValidationError("--from \(from) is not a date (YYYY-MM-DD).") }
        if let to, Day(iso: to) == nil { throw ValidationError("--to \(to) is not a date (YYYY-MM-DD).") }
        if let from, let to, Day(iso: to)! < Day(iso: from)! { throw ValidationError("--to is before --from.") }
    }

    var window: Period? {
        guard let from, let to else { return nil }
        return Period(start: Day(iso: from)!, end: Day(iso: to)!)
    }

    var request: TotalsRequest {
        var request = TotalsRequest(jurisdiction: jurisdiction, measure: measure, articles: articles, window: window)
        request.breakdown = switch by {
        case nil: .none
        case .article: .article
        case .source: .source
        case .year: .year
        case .jurisdiction: .jurisdiction
        }
        return request
    }

    var seriesQuery: SeriesQuery {
        SeriesQuery(jurisdiction: jurisdiction, measure: measure, articles: articles, window: window)
    }
}
