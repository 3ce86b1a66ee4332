import ArgumentParser
import Foundation
import TallyClient
import TallyCodec
import TallyModel

struct TotalsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "totals",
        abstract: "How many, over a window, with the figures and sources behind the number.",
        discussion: "Example: tally totals --measure cases_received_by_courts --from 2022-09-01 --to 2025-05-31 --by article"
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var question: QuestionOptions
    @Flag(help: "Show the figures, their quotes and the arithmetic behind every number.") var explain = false

    func run() async throws {
        try await reportingFailures {
            let request = question.request
            let response = try await AnswerSource(options: global).answer(online: { try await $0.totals(request) }, offline: { try await $0.totals(request) })
            output(TotalsPresentation(request: request, response: response, explain: explain).render(global.format))
        }
    }
}

/// A totals answer for people (table) and scripts (JSON, CSV).
struct TotalsPresentation {
    let request: TotalsRequest
    let response: TotalsResponse
    let explain: Bool

    var lines: [Total] { (response.total.map { [$0] } ?? []) + response.breakdown }

    func figures(_ total: Total) -> [Figure] { total.figureIndexes.map { response.figures[Int($0)] } }

    func render(_ format: OutputFormat) -> String {
        switch format {
        case .table: table()
        case .json: Render.json(jsonObject())
        case .csv: csv()
        }
    }

    private func table() -> String {
        let what = Vocabulary.standard.measure(request.measure)?.description ?? request.measure
        let window = response.total?.period ?? response.breakdown.first?.period ?? request.window
        let compared = request.breakdown == .jurisdiction && !response.breakdown.isEmpty
        let place = compared ? response.breakdown.map(\.label).joined(separator: " vs ") : request.jurisdiction
        var out = "\(place) · \(what)\(request.articles.isEmpty ? "" : " · art. \(request.articles.joined(separator: ", "))")"
        out += " · \(window.map(Render.period) ?? "widest window") · dataset v\(response.datasetVersion)\n"
        guard response.total != nil || compared else {
            out += "No figures answer this question without double counting. Nearest figures:\n"
            for candidate in response.candidates {
                let f = response.figures[Int(candidate.figureIndex)]
                out += "  \(f.id): \(f.value) (\(f.period))\n    \(candidate.reason)\n"
            }
            return out
        }
        // A bar per row compares rows; a lone total has nothing to be compared with.
        let bars = lines.count > 1 ? TerminalBars(lines.map(\.value)) : nil
        func row(_ label: String, _ line: Total, figures: String) -> [String] {
            [label, Render.quantity(line.value)] + (bars.map { [$0.bar(line.value)] } ?? []) + [line.derived ? "derived" : "", figures]
        }
        var rows = [["", "value"] + (bars == nil ? [] : [""]) + ["", "figures"]]
        if let total = response.total {
            rows.append(row("total", total, figures: figures(total).map(\.id).joined(separator: ", ")))
        }
        for line in response.breakdown {
            rows.append(row("  \(line.label)", line, figures: line.value.qualifier == .unspecified ? line.arithmetic : figures(line).map(\.id).joined(separator: ", ")))
        }
        out += Render.table(rows, rightAligned: [1])
        var seen = Set<String>()
        let used = lines.flatMap(figures).filter { seen.insert($0.id).inserted }
        out += "Sources: " + Set(used.flatMap { $0.citations.map { "\($0.producer) via \($0.outlet)" } }).sorted().joined(separator: "; ") + "\n"
        if explain {
            out += "\nArithmetic:\n"
            for line in lines { out += "  \(line.label.isEmpty ? "total" : line.label): \(line.arithmetic)\n" }
            out += "\nFigures:\n"
            for f in used {
                out += "  \(f.id): \(f.value), \(f.period), \(Render.sources(f))\n"
                for c in f.citations { out += "    “\(c.quote)” (\(c.document))\n" }
                if !f.note.isEmpty { out += "    note: \(f.note)\n" }
            }
            if !response.candidates.isEmpty {
                out += "\nNot added:\n"
                for c in response.candidates { out += "  \(response.figures[Int(c.figureIndex)].id): \(c.reason)\n" }
            }
        }
        return out
    }

    private func jsonObject() -> [String: Any] {
        func line(_ t: Total) -> [String: Any] {
            ["label": t.label, "value": Render.quantityJSON(t.value), "period": ["start": t.period.start.iso, "end": t.period.end.iso],
             "derived": t.derived, "arithmetic": t.arithmetic, "figures": figures(t).map(\.id)]
        }
        return [
            "question": ["jurisdiction": request.jurisdiction, "measure": request.measure, "articles": request.articles],
            "dataset_version": response.datasetVersion,
            "total": response.total.map(line) ?? NSNull(),
            "breakdown": response.breakdown.map(line),
            "figures": response.figures.map(Render.figureJSON),
            "candidates": response.candidates.map { ["figure": response.figures[Int($0.figureIndex)].id, "reason": $0.reason] },
        ]
    }

    private func csv() -> String {
        var rows = [["label", "value", "qualifier", "low", "high", "start", "end", "derived", "figures", "sources"]]
        for t in lines {
            let fs = figures(t)
            rows.append([t.label.isEmpty ? "total" : t.label, Render.quantity(t.value), Render.qualifierName(t.value.qualifier),
                         String(t.value.low), t.value.qualifier == .range ? String(t.value.high) : "", t.period.start.iso, t.period.end.iso,
                         t.derived ? "yes" : "no", fs.map(\.id).joined(separator: " "),
                         Set(fs.flatMap { $0.citations.map(\.producer) }).sorted().joined(separator: "; ")])
        }
        return Render.csv(rows)
    }
}
