import ArgumentParser
import Foundation
import TallyClient

struct SyncCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync",
        abstract: "Bring the local snapshot up to date (full the first time, changes after).",
        discussion: "The snapshot is a SQLite database in $TALLY_DATA_DIR, $XDG_DATA_HOME/tally or ~/.local/share/tally. Changes and whole downloads are applied in one transaction, committed only when the result matches the server's digest: an interrupted or refused sync leaves the previous snapshot as it was."
    )

    @OptionGroup var global: GlobalOptions
    @Flag(help: "First recompute the local copy's digest from its figures (finds damage on disk; takes time in proportion to the dataset).") var verify = false

    func run() async throws {
        try await reportingFailures {
            let client = try global.makeClient()
            var sync = SnapshotSync(client: client, path: global.snapshotPath)
            sync.verifyLocalCopy = verify
            let snapshotPath = global.snapshotPath
            sync.waiting = { printError("tally: another tally sync into \(snapshotPath) is running; waiting for it to finish") }
            if isatty(STDERR_FILENO) == 1 {
                sync.progress = { done, total in
                    let width = 30, filled = total > 0 ? width * done / total : 0
                    FileHandle.standardError.write(Data("\r[\(String(repeating: "#", count: filled))\(String(repeating: " ", count: width - filled))] \(done)/\(total) figures".utf8))
                    if done == total { FileHandle.standardError.write(Data("\n".utf8)) }
                }
            }
            let report: SyncReport
            let started = ContinuousClock.now
            do {
                report = try await sync.sync()
            } catch {
                await client.shutdown()
                if FileManager.default.fileExists(atPath: global.snapshotPath) {
                    printError("tally: sync failed; the previous local snapshot is unchanged")
                }
                throw error
            }
            let elapsed = ContinuousClock.now - started
            await client.shutdown()
            if report.replacedCorruptCopy { printError("tally: the local snapshot failed verification and was replaced") }
            for note in report.notes { printError("tally: \(note)") }
            let kind = switch report.kind { case .upToDate: "up_to_date"; case .delta: "delta"; case .full: "full" }
            switch global.format {
            case .json:
                output(Render.json(["kind": kind, "from_version": report.fromVersion.map { Int($0) as Any } ?? NSNull(), "to_version": report.toVersion,
                                    "figures": report.figuresTransferred, "retractions": report.retractions, "bytes": report.bytesReceived,
                                    "path": global.snapshotPath,
                                    "seconds": Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18]))
            case .csv: output(Render.csv([["kind", "to_version", "figures", "retractions", "bytes"], [kind, String(report.toVersion), String(report.figuresTransferred), String(report.retractions), String(report.bytesReceived)]]))
            case .table:
                switch report.kind {
                case .upToDate: output("Up to date at dataset v\(report.toVersion).\n")
                case .delta: output("Applied \(report.figuresTransferred) changed and \(report.retractions) retracted figures: v\(report.fromVersion ?? 0) → v\(report.toVersion).\n")
                case .full: output("Downloaded \(report.figuresTransferred) figures (\(report.bytesReceived) bytes): dataset v\(report.toVersion).\n")
                }
            }
        }
    }
}
