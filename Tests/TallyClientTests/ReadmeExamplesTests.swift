import Foundation
import Testing
import TallyTestSupport

/// The README's shell blocks, run as a reader would run them, so the README cannot drift from
/// what Tally does: every ```sh block is read from README.md, its `127.0.0.1:8080` becomes the port
/// of a tallyd this test starts (and `tally` finds it through TALLY_SERVER), and each command runs
/// in bash (`-o pipefail`) in a scratch folder that holds the files the examples name. A command
/// must exit 0; those in `expectations` must also print (or write) what the README says they do.
///
/// Skipped, by the explicit list `skipped` below, each with its reason: what cannot run here.
/// A README command that is in neither list still runs and must exit 0.
@Suite(.serialized, .timeLimit(.minutes(5)))
final class ReadmeExamplesTests {
    /// Commands not run, by prefix, and why.
    static let skipped: [(prefix: String, reason: String)] = [
        ("make ", "a make target: `make test` is what runs this test, `make run` serves until stopped"),
        ("tally watch", "runs until interrupted; the watch tests (SyncEndToEndTests, HAProxyTests) cover it"),
        ("Deploy/make-local-ca.sh", "the podman deployment: `make deploy-test` runs it (and this would write into Deploy/)"),
        ("mkdir -p Deploy/secrets", "the podman deployment, as above"),
        ("openssl rand -hex 32 > Deploy/secrets/db_password", "the replica deployment: `make deploy-replicas-test` runs it"),
        ("chmod 644 Deploy/secrets", "the podman deployment, as above"),
        ("(cd Deploy && podman-compose", "the podman deployment, as above"),
        ("tally --server https://localhost:8443", "needs the deployed stack on port 8443 (`make deploy-test`)"),
    ]

    /// What a listed command must print on stdout (every string), or leave behind.
    static let expectations: [(prefix: String, stdout: [String], files: [String: [UInt8]])] = [
        ("curl --http2-prior-knowledge http://127.0.0.1:8080/readyz", ["ready"], [:]),
        ("printf '\\0\\0\\0\\0\\0' | curl", ["00000000: "], [:]),
        ("curl --http2-prior-knowledge -s 'http://127.0.0.1:8080/?from=2022-09-01", ["id=\"total\">20,662"], [:]),
        ("curl --http2-prior-knowledge -s 'http://127.0.0.1:8080/figures.csv?jurisdiction=UA'", ["id,jurisdiction,measure,articles,start,end,kind,value,sources\n"], [:]),
        ("curl --http2-prior-knowledge -s -o /dev/null -w '%{http_code}\\n' 'http://127.0.0.1:8080/?from=2025-13-01", ["400"], [:]),
        ("tally sync", ["Downloaded"], [:]),
        ("tally totals --from 2022-09-01 --to 2025-05-31 --by article", ["20,662", "18,159", "124"], [:]),
        ("tally totals --from 2024-06-01 --to 2024-12-31 --explain", ["6,287  derived", "20,662", "10,025", "4,350"], [:]),
        ("tally totals --measure convictions", ["No figures answer this question"], [:]),
        ("tally totals --by jurisdiction", ["RU vs UA", "4,350", "2,355"], [:]),
        ("tally figures --producer Proekt --format csv", ["id,jurisdiction,measure,articles,start,end,kind,value,sources\n", "Proekt"], [:]),
        ("tally check", ["conflicting_values", "parts_do_not_add_up"], [:]),
        ("tally publish new-figures.yaml", ["Published 1 figures, retracted 0: dataset v2."], [:]),
        ("tally chart --by article --output intake.svg", [], ["intake.svg": Array("<svg".utf8)]),
        ("tally chart --by jurisdiction --from 2025-01-01 --to 2025-05-31 --output ru-ua.png", [], ["ru-ua.png": [0x89, 0x50, 0x4E, 0x47]]),
        ("tally chart --series --output growth.png --scale 2", [], ["growth.png": [0x89, 0x50, 0x4E, 0x47]]),
        ("tally chart --series --describe", ["Column chart: Criminal cases received by courts in Russia"], [:]),
    ]

    let directory: URL
    let server: TallydProcess

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("readme-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        // The files the examples name: a publish token and a batch in the dataset format.
        try Data("readme-token\n".utf8).write(to: directory.appendingPathComponent("token"))
        try Data("""
            figures:
              - id: readme-example
                category: prosecution
                jurisdiction: UA
                measure: verdicts
                period: 2025-05-01..2025-05-31
                kind: count
                value: "1"
                citations:
                  - producer: Tally
                    outlet: README
                    document: README.md
                    quote: "one verdict, for the README's example"

            """.utf8).write(to: directory.appendingPathComponent("new-figures.yaml"))
        server = try TallydProcess(arguments: ["--publish-token-file", directory.appendingPathComponent("token").path])
    }

    deinit {
        server.stop()
        try? FileManager.default.removeItem(at: directory)
    }

    /// Each command of each ```sh block, with continuation lines joined.
    static func commands(in readme: String) -> [String] {
        var commands: [String] = []
        var inBlock = false, pending = ""
        for line in readme.components(separatedBy: "\n") {
            if line.hasPrefix("```") {
                inBlock = line == "```sh"
                continue
            }
            guard inBlock else { continue }
            if line.hasSuffix("\\") {
                pending += line.dropLast() + " "
                continue
            }
            let command = (pending + line).trimmingCharacters(in: .whitespaces)
            pending = ""
            if !command.isEmpty && !command.hasPrefix("#") { commands.append(command) }
        }
        return commands
    }

    @Test func everyRunnableCommandDoesWhatTheReadmeSays() async throws {
        let readme = try String(contentsOf: RepositoryPaths.root.appendingPathComponent("README.md"), encoding: .utf8)
        let commands = Self.commands(in: readme)
        #expect(commands.count >= 20, "the README's shell blocks were not found")
        var ran: Set<String> = []
        for command in commands {
            if let skip = Self.skipped.first(where: { command.hasPrefix($0.prefix) }) {
                _ = skip.reason
                continue
            }
            let runnable = command.replacingOccurrences(of: "127.0.0.1:8080", with: "127.0.0.1:\(server.port)")
            let (script, environment) = ("cd \(directory.path) && \(runnable)", self.environment)
            let result = try await onOwnThread { try runProcess("/bin/bash", ["-o", "pipefail", "-c", script], environment: environment) }
            #expect(result.status == 0, "README command failed (exit \(result.status)): \(command)\n\(result.stdout)\(result.stderr)")
            for expectation in Self.expectations where command.hasPrefix(expectation.prefix) {
                ran.insert(expectation.prefix)
                for text in expectation.stdout {
                    #expect(result.stdout.contains(text), "\(command)\nprints \(result.stdout)\nwithout '\(text)'")
                }
                for (file, start) in expectation.files {
                    let bytes = (try? Data(contentsOf: directory.appendingPathComponent(file))).map { [UInt8]($0) } ?? []
                    #expect(bytes.starts(with: start), "\(command) did not write \(file) as expected")
                }
            }
        }
        // Every listed example is still in the README (else the list, or the README, is stale).
        for expectation in Self.expectations { #expect(ran.contains(expectation.prefix), "no README command starts with: \(expectation.prefix)") }
        for skip in Self.skipped { #expect(commands.contains { $0.hasPrefix(skip.prefix) }, "skip list names a command the README no longer has: \(skip.prefix)") }
    }

    /// The exit codes the README lists are those `tally --help` lists (Sources/tally/Failure.swift
    /// and ChartFile.swift raise them), each with the same meaning.
    @Test func exitCodesAreTheHelps() throws {
        let readme = try String(contentsOf: RepositoryPaths.root.appendingPathComponent("README.md"), encoding: .utf8)
        let help = try runProcess(TallydProcess.productsDirectory.appendingPathComponent("tally").path, ["--help"], environment: environment).stdout
        func codes(_ text: String) throws -> [String: String] {
            let start = try #require(text.range(of: "Exit codes: "), "no exit codes in:\n\(text)")
            let sentence = text[start.upperBound...].prefix { $0 != "." }.split(whereSeparator: \.isWhitespace).joined(separator: " ")
            return Dictionary(uniqueKeysWithValues: sentence.components(separatedBy: ", ").map { item in
                let parts = item.split(separator: " ", maxSplits: 1)
                return (String(parts[0]), parts.count > 1 ? String(parts[1]) : "")
            })
        }
        let documented = try codes(readme), listed = try codes(help)
        #expect(Set(listed.keys) == ["0", "64", "65", "66", "69", "70", "71", "73", "74", "75", "76", "77"])
        #expect(Set(documented.keys) == Set(listed.keys), "README: \(documented)\nhelp: \(listed)")
    }

    /// `tally` from this build first on PATH; its server and data in the test's own places.
    var environment: [String: String] {
        ["PATH": "\(TallydProcess.productsDirectory.path):/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin",
         "TALLY_SERVER": server.url, "TALLY_DATA_DIR": directory.appendingPathComponent("data").path,
         "HOME": directory.path, "COLUMNS": "100", "LANG": "C.UTF-8"]
    }
}
