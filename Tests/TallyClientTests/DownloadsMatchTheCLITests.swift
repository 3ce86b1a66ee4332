import Foundation
import Testing
import TallyTestSupport

/// The page's downloads and `tally figures` are two writers of the same files: the CSV byte for
/// byte, the JSON as the same document (the CLI indents it, the download has a figure per line),
/// for the same filters.
@Suite(.serialized, .timeLimit(.minutes(2)), .enabled(if: PeerTools.enabled("curl"), "needs curl"))
final class DownloadsMatchTheCLITests {
    let server: TallydProcess

    init() throws {
        server = try TallydProcess()
    }

    deinit { server.stop() }

    func download(_ path: String) async throws -> String {
        let curl = try #require(PeerTools.path("curl"))
        let arguments = ["-sS", "--fail", "--http2-prior-knowledge", "--max-time", "20", "http://127.0.0.1:\(server.port)\(path)"]
        let result = try await onOwnThread { try runProcess(curl, arguments) }
        #expect(result.status == 0, "\(result.stderr)")
        return result.stdout
    }

    func tally(_ arguments: [String]) async throws -> String {
        let (tally, all) = (TallydProcess.productsDirectory.appendingPathComponent("tally").path, arguments + ["--server", server.url, "--limit", "1000"])
        let result = try await onOwnThread {
            try runProcess(tally, all, environment: ["PATH": "/usr/bin:/bin", "HOME": FileManager.default.temporaryDirectory.path])
        }
        #expect(result.status == 0, "\(result.stderr)")
        return result.stdout
    }

    static let filters: [(query: String, options: [String])] = [
        ("", []),
        ("?producer=Proekt", ["--producer", "Proekt"]),
        ("?jurisdiction=RU&measure=cases_received_by_courts&article=337", ["--jurisdiction", "RU", "--measure", "cases_received_by_courts", "--article", "337"]),
    ]

    @Test(arguments: filters.indices)
    func csvIsTheCLIsByteForByte(_ index: Int) async throws {
        let (query, options) = Self.filters[index]
        let cli = try await tally(["figures", "--format", "csv"] + options)
        #expect(cli.split(separator: "\n").count > 1, "the filter matches nothing: a vacuous comparison")
        #expect(try await download("/figures.csv\(query)") == cli)
    }

    @Test(arguments: filters.indices)
    func jsonIsTheCLIsDocument(_ index: Int) async throws {
        let (query, options) = Self.filters[index]
        let cli = try JSONSerialization.jsonObject(with: Data(try await tally(["figures", "--format", "json"] + options).utf8)) as? NSDictionary
        let served = try JSONSerialization.jsonObject(with: Data(try await download("/figures.json\(query)").utf8)) as? NSDictionary
        #expect(cli != nil && served != nil)
        #expect(((cli?["figures"] as? [Any]) ?? []).count > 0)
        #expect(served == cli)
    }
}
