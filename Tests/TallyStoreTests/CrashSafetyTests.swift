import Foundation
import Testing
import TallyCodec
import TallyModel
import TallyStore
import TallyTestSupport

/// A process publishing a large batch is killed with SIGKILL while SQLite is writing it. After
/// reopening, the store holds the whole batch or none of it, and its version and digest agree with
/// its figures.
@Suite struct CrashSafetyTests {
    static let batchSize = 150_000

    /// The helper executable, built next to the test bundle.
    private var helper: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("TallyStoreCrashHelper")
    }

    @Test(arguments: [1 << 20, 16 << 20])
    func killedMidPublishLeavesAllOrNothing(walBytesBeforeKill: Int) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tally-crash-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("store.sqlite").path
        let before = try await SQLiteFigureStore.openSeeded(path: path).state()

        let process = Process()
        process.executableURL = helper
        process.arguments = [path, String(Self.batchSize)]
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        // Kill once the transaction has spilled this much into the write-ahead log: mid-write.
        let wal = path + "-wal"
        let deadline = Date().addingTimeInterval(120)
        var walSizeAtKill = 0
        while process.isRunning && Date() < deadline {
            walSizeAtKill = ((try? FileManager.default.attributesOfItem(atPath: wal))?[.size] as? Int) ?? 0
            if walSizeAtKill >= walBytesBeforeKill { break }
            usleep(2_000)
        }
        let killedWhileRunning = process.isRunning
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(killedWhileRunning, "the helper finished before it could be killed; raise batchSize")
        #expect(process.terminationReason == .uncaughtSignal)
        #expect(walSizeAtKill >= walBytesBeforeKill)

        let reopened = try SQLiteFigureStore.openSeeded(path: path)
        try await reopened.verify()
        let state = try await reopened.state()
        let figures = try await reopened.allFigures()
        let generated = figures.filter { $0.id.hasPrefix("gen-") }.count
        if state.version == before.version {
            #expect(state == before)
            #expect(generated == 0)
        } else {
            #expect(state.version == before.version + 1)
            #expect(generated == Self.batchSize)
        }
        #expect(state.hash == DatasetHash(figures: figures))
    }
}
