import ArgumentParser
import Foundation
import TallyClient
import TallyCodec
import TallyModel

struct WatchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watch", abstract: "Print changes as they are published, until interrupted.",
        discussion: "Survives server restarts: when the stream or the connection ends, it reconnects and resumes after the last change printed (a note goes to stderr), so no change is missed or printed twice.")

    @OptionGroup var global: GlobalOptions
    @Option(help: "Also print changes since this dataset version first.") var since: UInt64 = 0
    @Option(help: "Stop after this many changes (for scripts).") var count: Int?

    func run() async throws {
        try await reportingFailures {
            let client = try global.makeClient()
            var seen = 0
            do {
                try await client.resumingWatch(since: since, onInterruption: { interruption in
                    printError("tally: watch interrupted (\(interruption.error)); resuming after v\(interruption.resumingSince) in \(TallyClientError.seconds(interruption.delay)) s")
                }) { event in
                    guard case .change(let change) = event.event else { return }
                    switch change.kind {
                    case .upsert(let figure)?:
                        output(global.format == .json
                            ? Render.json(["version": change.version, "upsert": Render.figureJSON(figure)]).replacingOccurrences(of: "\n", with: "") + "\n"
                            : "v\(change.version) upsert \(figure.id): \(figure.value) \(figure.period) (\(Render.sources(figure)))\n")
                    case .retracted(let id)?:
                        output(global.format == .json ? Render.json(["version": change.version, "retracted": id]).replacingOccurrences(of: "\n", with: "") + "\n"
                                                      : "v\(change.version) retracted \(id)\n")
                    case nil: break
                    }
                    seen += 1
                    if let count, seen >= count { throw WatchDone() }
                }
            } catch is WatchDone {}
            await client.shutdown()
        }
    }

    struct WatchDone: Error {}
}
