import Foundation
import Logging
import NIOCore
import Testing
@testable import TallyHTTP2
@testable import TallyServer
import TallyTestSupport

/// Proto/LIMITS.md is what tallyd promises: each default it states is read from the code here, and
/// each test it names as evidence must exist, so the document cannot drift from what is built.
@Suite struct LimitsDocumentTests {
    let document = (try? String(contentsOf: RepositoryPaths.proto.appendingPathComponent("LIMITS.md"), encoding: .utf8)) ?? ""

    private static func grouped(_ number: Int) -> String {
        let digits = String(number)
        var out = ""
        for (index, digit) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { out += "," }
            out.append(digit)
        }
        return out
    }

    private static func seconds(_ amount: TimeAmount) -> Int { Int(amount.nanoseconds / 1_000_000_000) }

    @Test func everyDefaultIsTheCodes() {
        let server = ServerConfiguration()
        let http2 = HTTP2ServerConfiguration()
        let settings = http2.settings
        let machine = ConnectionStateMachine.Configuration()
        let promises = [
            "| \(server.maxMessageSize >> 20) MiB (`TALLY_MAX_MESSAGE_BYTES`) |",
            "| \(server.maxMessageSize >> 20) MiB, and \(server.maxInflationRatio) × the compressed size |",
            "| \(Self.grouped(server.maxRepeatedCount)) |",
            "| \(settings.maxHeaderListSize >> 10) KiB |",
            "| \(settings.maxConcurrentStreams) (`--max-concurrent-streams`) |",
            "a burst of \(Self.grouped(Int(settings.streamResetBurst))), then \(settings.streamResetRatePerSecond) a second",
            "| \(settings.maxContinuations) |",
            "\(settings.initialWindowSize >> 10) KiB per stream, \(http2.connectionWindowSize >> 20) MiB per connection",
            "| \(http2.bufferedBodyLimit >> 10) KiB (larger bodies stream",
            "| response bytes buffered per stream | \(settings.maxBufferedBodyPerStream >> 20) MiB |",
            "\(Self.seconds(server.defaultDeadline)) s when none is sent, \(Self.seconds(server.maxDeadline) / 60) minutes at most",
            "| \(Self.grouped(ConnectionAdmission.defaultLimit)), or the descriptor limit less a quarter of it, at most \(ConnectionAdmission.reservedDescriptors)",
            "With \(ConnectionAdmission.lingeringRefusalAllowance) refusals already lingering",
            "pauses for \(AcceptPause(logger: .init(label: "doc")).pause.nanoseconds / 1_000_000) ms at a time",
            "| \(Self.seconds(http2.idleTimeout) / 60) minutes (`--idle-timeout-seconds`) |",
            "a PING every \(Self.seconds(http2.keepaliveInterval)) s; two unanswered",
            "\(Self.seconds(machine.lingerTimeout)) s after our side is shut, \(Self.seconds(machine.closeCap)) s at most",
            "| \(Self.seconds(server.gracePeriod)) s (`--grace-period-seconds`) |",
            "| \(server.watchQueueLimit) publishes waiting for one watcher",
            "| every \(Self.seconds(server.watchHeartbeat)) s (`--watch-heartbeat-seconds`) |",
            "| \(Self.grouped(Int(server.changeLogVersions))) versions |",
            "| \(Self.grouped(AnswerCache.capacity)) distinct questions per dataset version",
            "responses under \(server.compressionThreshold >> 10) KiB are not compressed",
        ]
        for promise in promises {
            #expect(document.contains(promise), "LIMITS.md does not say: \(promise)")
        }
    }

    /// Every `Suite/test` the document cites is a test: a `func test(` in a file that declares or
    /// extends `Suite` under Tests/.
    @Test func everyCitedTestExists() throws {
        let pattern = try Regex("`([A-Z][A-Za-z0-9]+)/([a-z][A-Za-z0-9]+)`")
        let cited = document.matches(of: pattern).map { (String($0.output[1].substring!), String($0.output[2].substring!)) }
        #expect(cited.count > 30)
        var sources: [String] = []
        let tests = RepositoryPaths.root.appendingPathComponent("Tests")
        for case let file as URL in FileManager.default.enumerator(at: tests, includingPropertiesForKeys: nil)! where file.pathExtension == "swift" {
            sources.append((try? String(contentsOf: file, encoding: .utf8)) ?? "")
        }
        for (suite, test) in cited {
            let found = sources.contains { source in
                (source.contains("struct \(suite)") || source.contains("class \(suite)") || source.contains("extension \(suite)"))
                    && source.contains("func \(test)(")
            }
            #expect(found, "LIMITS.md cites \(suite)/\(test), which is not a test")
        }
    }
}
