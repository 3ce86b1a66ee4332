import Foundation
import Testing
import TallyCodec
import TallyTestSupport

/// `/metrics` in Prometheus's conventions, checked by Prometheus's own linter (`promtool check
/// metrics`, Debian's prometheus package) on a real scrape, and the process and build metrics
/// against what the test can see of the process.
@Suite(.serialized, .timeLimit(.minutes(2)), .enabled(if: PeerTools.enabled("promtool") && PeerTools.enabled("curl"), "needs promtool and curl"))
final class MetricsExpositionTests {
    let server: TallydProcess

    init() throws {
        server = try TallydProcess()
    }

    deinit { server.stop() }

    func scrape() async throws -> String {
        let curl = try #require(PeerTools.path("curl"))
        let arguments = ["-sS", "--http2-prior-knowledge", "--max-time", "20", "http://127.0.0.1:\(server.port)/metrics"]
        let result = try await onOwnThread { try runProcess(curl, arguments) }
        #expect(result.status == 0, "\(result.stderr)")
        return result.stdout
    }

    @Test func promtoolFindsNothingToSay() async throws {
        // Requests of several routes and outcomes first, so every labelled family has members.
        let curl = CurlClient(port: server.port)
        _ = try curl.call(.init(path: "/tally.v1.Tally/Health"))
        _ = try curl.call(.init(path: "/tally.v1.Tally/Nope"))
        _ = try curl.call(.init(path: "/?by=article", method: "GET", body: nil, headers: []))
        let text = try await scrape()
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("metrics-\(UUID().uuidString).txt")
        try Data(text.utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let promtool = try #require(PeerTools.path("promtool"))
        let command = "\(promtool) check metrics < \(file.path)"
        let check = try await onOwnThread { try runProcess("/bin/sh", ["-c", command]) }
        #expect(check.status == 0, "promtool: \(check.stdout)\(check.stderr)\n\(text)")
        #expect(check.stdout.isEmpty && check.stderr.isEmpty, "promtool: \(check.stdout)\(check.stderr)")
        // Every family has its help text (promtool only warns about a missing one).
        let types = text.split(separator: "\n").filter { $0.hasPrefix("# TYPE ") }.map { $0.split(separator: " ")[2] }
        let helps = Set(text.split(separator: "\n").filter { $0.hasPrefix("# HELP ") }.map { $0.split(separator: " ")[2] })
        #expect(types.count >= 12)
        for name in types { #expect(helps.contains(name), "no HELP for \(name)") }
    }

    func value(_ text: String, _ series: String) -> Double? {
        text.split(separator: "\n").first { $0.hasPrefix(series + " ") }.flatMap { Double($0.split(separator: " ").last!) }
    }

    @Test func processAndBuildMetrics() async throws {
        let text = try await scrape()
        let now = Date().timeIntervalSince1970
        let start = try #require(value(text, "process_start_time_seconds"))
        #expect(start > now - 600 && start <= now + 1, "start \(start), now \(now)")
        #expect((value(text, "process_resident_memory_bytes") ?? 0) > 1_000_000)
        #expect((value(text, "process_virtual_memory_bytes") ?? 0) > (value(text, "process_resident_memory_bytes") ?? 0))
        let fds = try #require(value(text, "process_open_fds"))
        #expect(fds >= 4 && fds < 1_000)
        #expect((value(text, "process_max_fds") ?? 0) >= fds)
        #expect(value(text, "process_cpu_seconds_total") != nil)
        // The same release and commit as `tallyd --version`.
        let version = try runProcess(TallydProcess.productsDirectory.appendingPathComponent("tallyd").path, ["--version"]).stdout
        let parts = try #require(version.wholeMatch(of: /(\S+) \(commit (\S+)\)\n/))
        #expect(value(text, "tally_build_info{version=\"\(parts.1)\",commit=\"\(parts.2)\"}") == 1, "\(text)")
        #expect(value(text, "tally_dataset_version") == 1)
    }

    /// CPU seconds only go up between scrapes, and follow the work done.
    @Test func cpuSecondsAreACounter() async throws {
        let first = try #require(value(try await scrape(), "process_cpu_seconds_total"))
        let curl = CurlClient(port: server.port)
        for _ in 0..<20 { _ = try curl.call(.init(path: "/?by=year&from=2023-01-01&to=2024-12-31", method: "GET", body: nil, headers: [])) }
        let second = try #require(value(try await scrape(), "process_cpu_seconds_total"))
        #expect(second >= first)
    }
}
