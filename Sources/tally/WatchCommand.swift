import ArgumentParser
import Foundation
import TallyClient
import TallyCodec
import TallyModel

struct WatchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "watch", abstract: "Print changes as they are published, until interrupted.")

    @OptionGroup var global: GlobalOptions
    @Option(help: "Also print changes since this dataset version first.") var since: UInt64 = 0
    @Option(help: "Stop after this many changes (for scripts).") var count: Int?

    func run() async throws {
        try await reportingFailures {
            let client = try global.makeClient()
            var seen = 0
            do {
                try await client.watch(since: since) { event in
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
