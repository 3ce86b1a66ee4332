import Foundation
import TallyModel
import TallyStore
import TallyTestSupport

// Usage: TallyStoreCrashHelper DB_PATH COUNT
// Opens (seeding if new) the store, then publishes COUNT generated figures in one batch. The crash
// test kills this process with SIGKILL while the batch is being written.
let arguments = CommandLine.arguments
guard arguments.count == 3, let count = Int(arguments[2]) else {
    FileHandle.standardError.write(Data("usage: TallyStoreCrashHelper DB_PATH COUNT\n".utf8))
    exit(2)
}
do {
    let store = try SQLiteFigureStore.openSeeded(path: arguments[1])
    let figures = SyntheticFigures.make(count: count)
    FileHandle.standardOutput.write(Data("publishing\n".utf8))
    let result = try await store.publish(PublishBatch(figures: figures, comment: "crash test"))
    FileHandle.standardOutput.write(Data("published \(result.state.version)\n".utf8))
} catch {
    FileHandle.standardError.write(Data("\(error)\n".utf8))
    exit(1)
}
