import Foundation
import Testing
import TallyTestSupport

/// The page in a real browser: Debian's chromium, headless, through HAProxy with TLS (browsers
/// speak HTTP/2 only over TLS), trusting only the proxy's certificate, pinned by its public key
/// (`--ignore-certificate-errors-spki-list`; no blanket `--ignore-certificate-errors`).
///
/// Shown: the request came over HTTP/2 (HAProxy's log names the client's HTTP version); the form
/// has the fields the URL uses, and the question it submits shows the total the seed articles give
/// (20,662, SeedTotalsTests) in the DOM the browser built; a screenshot is a PNG of the window's size.
@Suite(.serialized, .timeLimit(.minutes(3)),
       .enabled(if: Peers.required || (FileManager.default.isExecutableFile(atPath: "/usr/bin/chromium") && FileManager.default.isExecutableFile(atPath: "/usr/sbin/haproxy")),
                "needs chromium and haproxy"))
final class BrowserTests {
    let stack: HAProxyStack
    let profile: URL

    init() async throws {
        stack = try HAProxyStack()
        profile = stack.directory.appendingPathComponent("chromium-profile")
        try await stack.waitUntilReady()
    }

    deinit { stack.stop() }

    /// base64 SHA-256 of the proxy certificate's SubjectPublicKeyInfo, as chromium wants a pin.
    func pin() throws -> String {
        let certificate = stack.certificates.appendingPathComponent("tally.crt").path
        let result = try runProcess("/bin/bash", ["-o", "pipefail", "-c",
            "openssl x509 -in '\(certificate)' -pubkey -noout | openssl pkey -pubin -outform der | openssl dgst -sha256 -binary | base64"])
        #expect(result.status == 0, "\(result.stderr)")
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// chromium headless with `arguments`, on `url`; only loopback is reachable (every other name is
    /// NOTFOUND) and the background services that would call out are off. Run on a thread of its
    /// own: seconds of a blocked cooperative thread would starve the rest of the test run.
    func chromium(_ arguments: [String], _ url: String) async throws -> (status: Int32, stdout: String, stderr: String) {
        let all = [
            "--headless", "--no-sandbox", "--disable-gpu", "--user-data-dir=\(profile.path)",
            "--ignore-certificate-errors-spki-list=\(try pin())",
            "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost",
            "--no-first-run", "--no-default-browser-check", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--disable-extensions", "--disable-domain-reliability", "--metrics-recording-only", "--mute-audio",
            "--lang=en-GB", "--virtual-time-budget=5000",
        ] + arguments + [url]
        let environment = ["HOME": stack.directory.path, "PATH": "/usr/bin:/bin"]
        return try await onOwnThread { try runProcess("/usr/bin/chromium", all, environment: environment) }
    }

    @Test func theFormsQuestionShowsTheKnownTotalOverHTTP2() async throws {
        // The page's form, as the browser built it: the fields and their names.
        let front = try await chromium(["--dump-dom"], "\(stack.baseURL)/")
        #expect(front.status == 0, "\(front.stderr)")
        let form = try #require(front.stdout.firstRange(of: "<form class=\"question\"").map { front.stdout[$0.lowerBound...] },
                                "no form in:\n\(front.stdout.prefix(2_000))")
        let names = form.matches(of: /name="([a-z]+)"/).map { String($0.1) }
        for name in ["jurisdiction", "measure", "from", "to", "by", "article"] { #expect(names.contains(name), "form field \(name)") }
        #expect(form.contains("method=\"get\" action=\"/\""))

        // What submitting it with these values sends (a GET form: its fields in order, empty ones
        // included, unticked boxes left out), and what the browser shows for it.
        let values = ["jurisdiction": "RU", "measure": "cases_received_by_courts", "from": "2022-09-01", "to": "2025-05-31", "by": "article"]
        var seen = Set<String>()
        let query = names.filter { $0 != "article" && seen.insert($0).inserted }.map { "\($0)=\(values[$0] ?? "")" }.joined(separator: "&")
        let answer = try await chromium(["--dump-dom"], "\(stack.baseURL)/?\(query)")
        #expect(answer.status == 0, "\(answer.stderr)")
        #expect(answer.stdout.contains("<td class=\"value\" id=\"total\">20,662</td>"), "\(answer.stdout.prefix(3_000))")
        #expect(answer.stdout.contains("<td class=\"value\" id=\"row-2\">18,159</td>"))

        // HAProxy logged the browser's requests as HTTP/2 (`option httplog`; an HTTP/2 request's
        // line has the absolute URI: "GET https://localhost:PORT/?… HTTP/2.0").
        try await waitForLog { $0.contains("\"GET \(stack.baseURL)/?\(query) HTTP/2.0\"") }
        #expect(stack.log.contains("\"GET \(stack.baseURL)/ HTTP/2.0\""), "\(stack.log)")
        #expect(!stack.log.contains("HTTP/1.1\""), "a request came over HTTP/1.1:\n\(stack.log)")
    }

    @Test func aScreenshotOfThePage() async throws {
        let file = stack.directory.appendingPathComponent("page.png")
        let shot = try await chromium(["--hide-scrollbars", "--window-size=1000,2200", "--screenshot=\(file.path)"],
                                "\(stack.baseURL)/?from=2022-09-01&to=2025-05-31&by=article")
        #expect(shot.status == 0, "\(shot.stderr)")
        let png = [UInt8](try Data(contentsOf: file))
        #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]), "not a PNG")
        func integer(at offset: Int) -> Int { png[offset..<offset + 4].reduce(0) { $0 << 8 | Int($1) } }
        #expect(png.count > 24 && png[12..<16].elementsEqual(Array("IHDR".utf8)))
        #expect(integer(at: 16) == 1000 && integer(at: 20) == 2200, "\(integer(at: 16))×\(integer(at: 20))")
        // A blank window compresses to a few kilobytes; the page's text, table and charts do not.
        #expect(png.count > 60_000, "\(png.count) bytes: is the page blank?")
        if let keep = ProcessInfo.processInfo.environment["TALLY_KEEP_SCREENSHOT"] {
            try? FileManager.default.removeItem(atPath: keep)
            try FileManager.default.copyItem(atPath: file.path, toPath: keep)
        }
    }

    /// HAProxy writes a request's line when the request ends; wait for it, a bounded number of times.
    func waitForLog(_ condition: (String) -> Bool) async throws {
        for _ in 0..<50 where !condition(stack.log) { try await Task.sleep(for: .milliseconds(100)) }
        #expect(condition(stack.log), "HAProxy's log:\n\(stack.log)")
    }
}
