import Foundation
import TallyDataset
import TallyModel
import TallyStore
import TallyTestSupport

// The sync benchmark's data (Benchmarks/sync/run.sh); never shipped.
//   TallySyncFixture store DB COUNT            seed the store at DB, then publish COUNT court-record
//                                              figures (CourtRecordFigures) in batches of 100,000
//   TallySyncFixture changes COUNT N ROUND OUT write N corrections of those figures, spread evenly,
//                                              as a dataset file (`tally publish OUT`); ROUND varies them
let arguments = CommandLine.arguments
func usage() -> Never {
    FileHandle.standardError.write(Data("usage: TallySyncFixture store DB COUNT | changes COUNT N ROUND OUT\n".utf8))
    exit(2)
}

do {
    switch arguments.dropFirst().first {
    case "store":
        guard arguments.count == 4, let count = Int(arguments[3]) else { usage() }
        let store = try SQLiteFigureStore.openSeeded(path: arguments[2])
        let figures = CourtRecordFigures.make(count: count)
        for start in stride(from: 0, to: figures.count, by: 100_000) {
            let batch = Array(figures[start..<min(start + 100_000, figures.count)])
            let result = try await store.publish(PublishBatch(figures: batch, comment: "sync benchmark"))
            FileHandle.standardOutput.write(Data("published \(start + batch.count) figures: v\(result.state.version)\n".utf8))
        }
    case "changes":
        guard arguments.count == 6, let count = Int(arguments[2]), let changed = Int(arguments[3]), let round = UInt64(arguments[4]),
              changed > 0, changed <= count else { usage() }
        let figures = CourtRecordFigures.make(count: count)
        let step = count / changed
        let corrections = (0..<changed).map { CourtRecordFigures.corrected(figures[$0 * step], seed: round &* 7919 &+ UInt64($0)) }
        try DatasetFile.render(corrections).write(toFile: arguments[5], atomically: true, encoding: .utf8)
    default:
        usage()
    }
} catch {
    FileHandle.standardError.write(Data("\(error)\n".utf8))
    exit(1)
}
