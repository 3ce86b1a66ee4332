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
        try expectGolden("chart-help.txt", ["chart", "--help"])
        try expectGolden("totals-by-jurisdiction.txt", ["totals", "--by", "jurisdiction", "--from", "2025-01-01", "--to", "2025-05-31"])
    }

    /// One definition of each shared option, accepted before the command as well as after it.
    @Test func globalOptionsBeforeOrAfterTheCommand() throws {
        let cacert = directory.appendingPathComponent("ca.pem")
        try Data("not used for http://\n".utf8).write(to: cacert)
        let before = try run(["--server", server.url, "--cacert", cacert.path, "--format", "json"] + Self.intake, environment: ["TALLY_SERVER": "http://127.0.0.1:1"])
        let after = try run(Self.intake + ["--server", server.url, "--cacert", cacert.path, "--format", "json"], environment: ["TALLY_SERVER": "http://127.0.0.1:1"])
        #expect(before.status == 0, "\(before.stderr)")
        #expect(before.stderr.isEmpty, "answered from the server, not the snapshot: \(before.stderr)")
        #expect(before.stdout == after.stdout)
        #expect(before.stdout.contains("\"dataset_version\""))
        // Checks run wherever the option is given.
        #expect(try run(["--timeout", "0", "totals"]).status == 64)
        #expect(try run(["--cacert", "/nonexistent", "totals"]).stderr.contains("--cacert /nonexistent is not a readable file."))
    }

    /// The version and the commit the binary was built from ("unknown" after a plain swift build).
    @Test func versionNamesTheCommit() throws {
        let result = try run(["--version"])
        #expect(result.status == 0)
        let line = result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(line.range(of: #"^\d+\.\d+\.\d+ \(commit ([0-9a-f]{12}(-dirty)?|unknown)\)$"#, options: .regularExpression) != nil, "\(line)")
        let header = RepositoryPaths.root.appendingPathComponent("Sources/CTallyBuildInfo/generated/commit.h")
        if let written = try? String(contentsOf: header, encoding: .utf8), let commit = written.split(separator: "\"").dropFirst().first {
            #expect(line.contains("(commit \(commit))"))
        }
        let daemon = try runProcess(TallydProcess.productsDirectory.appendingPathComponent("tallyd").path, ["--version"])
        #expect(daemon.stdout == result.stdout)
    }

    /// `tally totals` draws a bar per row, and `--by jurisdiction` puts Russia and Ukraine side by side.
    @Test func barsAndTheComparisonByJurisdiction() throws {
        let table = try run(["totals", "--by", "jurisdiction", "--from", "2025-01-01", "--to", "2025-05-31"])
        #expect(table.status == 0, "\(table.stderr)")
        #expect(table.stdout.hasPrefix("RU vs UA · criminal cases received by courts · 2025-01-01..2025-05-31"))
        #expect(table.stdout.contains("RU  4,350  ████████████████████████  "))
        #expect(table.stdout.contains("UA  2,355  █████████████  "))
        #expect(!table.stdout.contains("total"))
        let json = try run(["totals", "--by", "jurisdiction", "--from", "2025-01-01", "--to", "2025-05-31", "--format", "json"])
        #expect(json.stdout.contains("\"total\" : null"))
    }

    /// `tally chart`: SVG to a file or stdout, PNG through rsvg-convert, a clear error without it.
    @Test func chartsToFiles() throws {
        let svg = directory.appendingPathComponent("intake.svg"), png = directory.appendingPathComponent("ru-ua.png")
        let written = try run(["chart", "--by", "article", "--output", svg.path])
        #expect(written.status == 0, "\(written.stderr)")
        let document = try String(contentsOf: svg, encoding: .utf8)
        #expect(document.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\""))
        #expect(try run(["chart", "--by", "article"]).stdout == document)
        let described = try run(["chart", "--series", "--describe", "--offline"])
        #expect(described.stdout.hasPrefix("Column chart: Criminal cases received by courts in Russia since September 2022."))
        #expect(try run(["chart", "--series", "--by", "year"]).status == 64)
        #expect(try run(["chart", "--output", "chart.pdf"]).status == 64)
        if ChartRenderer.available {
            let result = try run(["chart", "--by", "jurisdiction", "--from", "2025-01-01", "--to", "2025-05-31", "--output", png.path, "--scale", "2"])
            #expect(result.status == 0, "\(result.stderr)")
            let bytes = [UInt8](try Data(contentsOf: png))
            #expect(bytes.starts(with: [0x89, 0x50, 0x4E, 0x47]))
            #expect(bytes[16..<20].reduce(0) { $0 << 8 | Int($1) } == 1280)
        } else {
            #expect(!Peers.required, "TALLY_REQUIRE_PEERS=1 but rsvg-convert is missing")
        }
        let missing = try run(["chart", "--output", png.path], environment: ["PATH": "/nonexistent"])
        #expect(missing.status == 71)
        #expect(missing.stderr.contains("PNG output needs rsvg-convert"))
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

/// rsvg-convert, which `tally chart --output x.png` runs.
enum ChartRenderer {
    static var available: Bool { FileManager.default.isExecutableFile(atPath: "/usr/bin/rsvg-convert") }
}
