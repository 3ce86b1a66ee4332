import ArgumentParser
import Foundation
import TallyClient
import TallyCodec
import TallyModel

struct FiguresCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "figures", abstract: "List figures with their provenance.")

    @OptionGroup var global: GlobalOptions
    @Option(help: "Jurisdiction: RU or UA.") var jurisdiction: String?
    @Option(help: "What is counted.") var measure: String?
    @Option(name: .customLong("article"), help: "Article (repeat for several).") var articles: [String] = []
    @Option(help: "Producer of the number, e.g. Mediazona.") var producer: String?
    @Option(help: "Most figures to list (at most 1000).") var limit: UInt32 = 100

    func run() async throws {
        try await reportingFailures {
            var request = FiguresRequest()
            request.jurisdiction = jurisdiction ?? ""
            request.measure = measure ?? ""
            request.articles = articles
            request.producer = producer ?? ""
            request.limit = limit
            let response = try await AnswerSource(options: global).answer(online: { try await $0.figures(request) }, offline: { try await $0.figures(request) })
            switch global.format {
            case .json: output(Render.json(["dataset_version": response.datasetVersion, "figures": response.figures.map(Render.figureJSON)]))
            case .csv:
                output(Render.csv([["id", "jurisdiction", "measure", "articles", "start", "end", "kind", "value", "sources"]] + response.figures.map { f in
                    [f.id, f.jurisdiction, f.measure, f.articles.joined(separator: " "), f.period.start.iso, f.period.end.iso,
                     "\(f.kind)", Render.quantity(f.value), Render.sources(f)]
                }))
            case .table:
                output(Render.table([["id", "value", "period", "sources"]] + response.figures.map { f in
                    [f.id, Render.quantity(f.value) + (f.kind == .rate ? " \(f.rateUnit.phrase)" : ""), f.period.description, Render.sources(f)]
                }))
            }
        }
    }
}

struct SourcesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "sources", abstract: "Who produced the figures, and who reported them.")

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        try await reportingFailures {
            let response = try await AnswerSource(options: global).answer(online: { try await $0.sources() }, offline: { try await $0.sources() })
            switch global.format {
            case .json:
                output(Render.json(["dataset_version": response.datasetVersion, "sources": response.sources.map { s in
                    ["producer": s.producer, "outlets": s.outlets, "figures": s.figureCount] as [String: Any]
                }]))
            case .csv:
                output(Render.csv([["producer", "figures", "outlets"]] + response.sources.map { [$0.producer, String($0.figureCount), $0.outlets.joined(separator: "; ")] }))
            case .table:
                output(Render.table([["producer", "figures", "outlets"]] + response.sources.map { [$0.producer, String($0.figureCount), $0.outlets.joined(separator: "; ")] }, rightAligned: [1]))
            }
        }
    }
}

struct CheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "check", abstract: "Consistency report: conflicting figures, parts that don't add up.")

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        try await reportingFailures {
            let report = try await AnswerSource(options: global).answer(online: { try await $0.consistency() }, offline: { try await $0.consistency() })
            func kind(_ f: Finding) -> String { f.kind == .conflictingValues ? "conflicting_values" : "parts_do_not_add_up" }
            switch global.format {
            case .json:
                output(Render.json(["dataset_version": report.datasetVersion, "findings": report.findings.map { f in
                    ["kind": kind(f), "summary": f.summary, "figures": f.figureIDs, "difference": Render.quantityJSON(f.difference)] as [String: Any]
                }]))
            case .csv:
                output(Render.csv([["kind", "difference", "figures", "summary"]] + report.findings.map { [kind($0), Render.quantity($0.difference), $0.figureIDs.joined(separator: " "), $0.summary] }))
            case .table:
                output(report.findings.isEmpty ? "No inconsistencies.\n" : report.findings.map { "\(kind($0)): \($0.summary)\n" }.joined())
            }
        }
    }
}

struct HealthCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "health", abstract: "Ask the server how it is.")

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        try await reportingFailures {
            let client = try global.makeClient()
            defer { Task { await client.shutdown() } }
            let health = try await client.health()
            let hex = health.digest.map { String(format: "%02x", $0) }.joined()
            switch global.format {
            case .json:
                output(Render.json(["status": "\(health.status)", "dataset_version": health.datasetVersion, "digest": hex,
                                    "server_version": health.serverVersion, "uptime_seconds": health.uptimeSeconds]))
            case .csv: output(Render.csv([["status", "dataset_version", "digest", "server_version"], ["\(health.status)", String(health.datasetVersion), hex, health.serverVersion]]))
            case .table: output("\(health.status) · dataset v\(health.datasetVersion) · digest \(hex.prefix(16))… · \(health.serverVersion)\n")
            }
        }
    }
}
