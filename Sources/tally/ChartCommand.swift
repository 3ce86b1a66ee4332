import ArgumentParser
import Foundation
import TallyCharts
import TallyClient
import TallyCodec
import TallyModel

struct ChartCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chart",
        abstract: "Draw an answer as a chart to publish: SVG, or PNG through rsvg-convert.",
        discussion: """
            Takes the options of 'tally totals' and draws its answer as bars (any --by, also --by jurisdiction); \
            with --series, draws the running total of the measure over time and the intake between counts.
            Examples:
              tally chart --by article --output intake.svg
              tally chart --by jurisdiction --from 2025-01-01 --to 2025-05-31 --output ru-ua.png
              tally chart --series --output growth.png --scale 2
            """
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var question: QuestionOptions
    @Flag(help: "Draw the running total over time (cumulative counts and the intake between them) instead of the totals answer.") var series = false
    @Option(name: .customLong("output"), help: "File to write, .svg or .png (PNG needs rsvg-convert, Debian package librsvg2-bin). Default: SVG on standard output.") var outputPath: String?
    @Option(help: "Title instead of the generated one.") var title: String?
    @Option(help: "Width in pixels (400 to 2000).") var width = 640
    @Option(help: "PNG only: pixels per chart pixel, 1 to 4 (2 for high-density screens).") var scale = 1
    @Flag(help: "Print the chart's text alternative (what a screen reader reads) instead of the chart.") var describe = false

    func validate() throws {
        if series && question.by != nil { throw ValidationError("--series draws one measure over time; leave out --by.") }
        guard (400...2000).contains(width) else { throw ValidationError("--width must be between 400 and 2000 pixels.") }
        guard (1...4).contains(scale) else { throw ValidationError("--scale must be between 1 and 4.") }
        if let outputPath, ChartFile.Kind(path: outputPath) == nil { throw ValidationError("--output \(outputPath): the name must end in .svg or .png.") }
        if scale != 1 && ChartFile.Kind(path: outputPath ?? "") != .png { throw ValidationError("--scale applies to PNG output only.") }
    }

    func run() async throws {
        try await reportingFailures {
            let options = ChartOptions(width: width, title: title)
            let source = AnswerSource(options: global)
            let chart: Chart
            if series {
                let (figures, version) = try await source.allFigures(jurisdiction: question.jurisdiction, measure: question.measure)
                let answer = TotalsEngine(figures: figures).series(question.seriesQuery)
                chart = SeriesChart(series: answer, datasetVersion: version, options: options).render()
            } else {
                let request = question.request
                let response = try await source.answer(online: { try await $0.totals(request) }, offline: { try await $0.totals(request) })
                chart = TotalsChart(request: request, response: response, options: options).render()
            }
            if describe {
                output(chart.textAlternative + "\n")
            } else if let outputPath {
                try ChartFile.write(chart, to: outputPath, scale: scale)
            } else {
                output(chart.svg)
            }
        }
    }
}

extension AnswerSource {
    /// Every figure of one jurisdiction and measure, page after page, and the dataset version: a
    /// series is computed here, by the same engine the server uses, from the figures themselves.
    func allFigures(jurisdiction: String, measure: String) async throws -> (figures: [Figure], version: UInt64) {
        var figures: [Figure] = []
        var request = FiguresRequest()
        request.jurisdiction = jurisdiction
        request.measure = measure
        request.limit = UInt32(WireConversions.maxPageSize)
        var version: UInt64 = 0
        repeat {
            let page = request
            let response = try await answer(online: { try await $0.figures(page) }, offline: { try await $0.figures(page) })
            figures += response.figures
            version = response.datasetVersion
            request.pageToken = response.nextPageToken
        } while !request.pageToken.isEmpty
        return (figures, version)
    }
}
