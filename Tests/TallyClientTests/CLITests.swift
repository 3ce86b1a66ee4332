import Foundation
import Testing
import TallyTestSupport

/// The `tally` binary as a user runs it: output compared with golden files in Golden/ (regenerate
/// with TALLY_UPDATE_GOLDEN=1 after an intended change, and review the diff), and exit codes.
@Suite(.serialized, .timeLimit(.minutes(3)))
final class CLITests {
    let directory: URL
    let server: TallydProcess
    var environment: [String: String]

    static let tally = TallydProcess.productsDirectory.appendingPathComponent("tally").path
    static let golden = RepositoryPaths.root.appendingPathComponent("Tests/TallyClientTests/Golden")

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        server = try TallydProcess()
        environment = ["TALLY_SERVER": server.url, "TALLY_DATA_DIR": directory.appendingPathComponent("data").path,
                       "HOME": directory.path, "COLUMNS": "100"]
        let sync = try run(["sync"])
        #expect(sync.status == 0, "\(sync.stderr)")
    }

    deinit {
        server.stop()
        try? FileManager.default.removeItem(at: directory)
    }

    func run(_ arguments: [String], environment extra: [String: String] = [:]) throws -> (status: Int32, stdout: String, stderr: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.tally)
        process.arguments = arguments
        process.environment = ["PATH": "/usr/bin:/bin"].merging(environment) { $1 }.merging(extra) { $1 }
        let out = directory.appendingPathComponent("out-\(UUID().uuidString)"), err = directory.appendingPathComponent("err-\(UUID().uuidString)")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        _ = FileManager.default.createFile(atPath: err.path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: out)
        process.standardError = try FileHandle(forWritingTo: err)
        try process.run()
        process.waitUntilExit()
        return (process.terminationStatus, try String(contentsOf: out, encoding: .utf8), try String(contentsOf: err, encoding: .utf8))
    }

    private func expectGolden(_ name: String, _ arguments: [String]) throws {
        let result = try run(arguments)
        #expect(result.status == 0, "\(arguments): \(result.stderr)")
        let file = Self.golden.appendingPathComponent(name)
        if ProcessInfo.processInfo.environment["TALLY_UPDATE_GOLDEN"] == "1" {
            try Data(result.stdout.utf8).write(to: file)
            return
        }
        let expected = try String(contentsOf: file, encoding: .utf8)
        #expect(result.stdout == expected, "\(name) differs from the golden file; rerun with TALLY_UPDATE_GOLDEN=1 and review the diff")
    }

    static let intake = ["totals", "--from", "2022-09-01", "--to", "2025-05-31", "--by", "article"]

    @Test func goldenOutputs() throws {
        try expectGolden("totals-by-article.txt", Self.intake)
        try expectGolden("totals-by-article.json", Self.intake + ["--format", "json"])
        try expectGolden("totals-by-article.csv", Self.intake + ["--format", "csv"])
        try expectGolden("totals-not-available-explained.txt", ["totals", "--measure", "convictions", "--from", "2023-01-01", "--to", "2023-12-31", "--explain"])
        try expectGolden("totals-derived-explained.txt", ["totals", "--from", "2024-06-01", "--to", "2024-12-31", "--explain", "--offline"])
        try expectGolden("check.txt", ["check", "--offline"])
        try expectGolden("help.txt", ["--help"])
        try expectGolden("totals-help.txt", ["totals", "--help"])
    }

    @Test func onlineAndOfflineOutputsAreTheSame() throws {
        let online = try run(Self.intake + ["--format", "json"])
        let offline = try run(Self.intake + ["--format", "json", "--offline"])
        #expect(online.status == 0 && offline.status == 0)
        #expect(online.stdout == offline.stdout)
    }

    @Test func exitCodes() throws {
        // Bad arguments.
        #expect(try run(["totals", "--from", "2025-13-01", "--to", "2025-12-31"]).status == 64)
        #expect(try run(["totals", "--server", "ftp://x"]).status == 64)
        // No local snapshot for an offline query.
        #expect(try run(["totals", "--offline"], environment: ["TALLY_DATA_DIR": directory.appendingPathComponent("none").path]).status == 66)
        // Unreachable, with nothing to fall back on.
        let nowhere = try run(["totals"], environment: ["TALLY_SERVER": "http://127.0.0.1:1", "TALLY_DATA_DIR": directory.appendingPathComponent("none").path])
        #expect(nowhere.status == 69)
        #expect(nowhere.stderr.contains("cannot reach http://127.0.0.1:1"))
        // Unreachable, with a local snapshot: answered offline, with a note.
        let fallback = try run(["totals"], environment: ["TALLY_SERVER": "http://127.0.0.1:1"])
        #expect(fallback.status == 0)
        #expect(fallback.stderr.contains("answering from the local snapshot"))
        #expect(fallback.stdout.contains("20,662"))
        // TLS spoken to a server that does not speak it.
        #expect(try run(["health", "--server", "https://127.0.0.1:\(server.port)"]).status == 77)
        // A server error status (publishing is disabled on this server).
        let file = directory.appendingPathComponent("figures.yaml")
        try Data("figures: []\n".utf8).write(to: file)
        let disabled = try run(["publish", file.path, "--token", "t"])
        #expect(disabled.status == 70)
        #expect(disabled.stderr.contains("unauthenticated"))
        // An invalid file to publish: named problem, nothing sent.
        try Data("figures:\n  - id: Bad Id\n".utf8).write(to: file)
        let invalid = try run(["publish", file.path, "--token", "t"])
        #expect(invalid.status == 65)
        #expect(invalid.stderr.contains("figure 'Bad Id': id: may contain only"))
    }
}
