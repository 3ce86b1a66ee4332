import Foundation
import Testing
import TallyClient
import TallyTestSupport

/// What the fault suites share: a scratch directory, a client with one retry, a stopped server
/// process, the `tally` binary run as a user would.
protocol ClientFaultScenarios {}

extension ClientFaultScenarios {
    func temporaryDirectory() throws -> URL {
        try makeTemporaryDirectory("faults")
    }

    func makeClient(_ port: Int, secure: Bool = false, host: String = "127.0.0.1", ca: String? = nil) throws -> TallyClient {
        var configuration = TallyClient.Configuration(server: ServerAddress(secure: secure, host: host, port: port))
        configuration.caCertificatePath = ca
        configuration.retries = 1
        return try TallyClient(configuration: configuration)
    }

    /// Sends SIGSTOP and waits (at most 10 s) until the kernel shows the process stopped ("T" in
    /// /proc/PID/stat): the signal is delivered asynchronously, and a loaded run once saw a call
    /// answered right after it. Returns the state last seen.
    func stopped(_ pid: Int32) -> String {
        kill(pid, SIGSTOP)
        let deadline = ContinuousClock.now + .seconds(10)
        var state = "?"
        repeat {
            let stat = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)) ?? ""
            // The state follows the command name, which is in parentheses and may hold spaces.
            if let close = stat.lastIndex(of: ")") {
                state = String(stat[stat.index(after: close)...].dropFirst().prefix(1))
            }
            if state == "T" || state == "t" { break }
            usleep(5_000)
        } while ContinuousClock.now < deadline
        return state
    }

    func runTally(_ arguments: [String], data: String) throws -> (status: Int32, output: String) {
        let result = try runProcess(TallydProcess.productsDirectory.appendingPathComponent("tally").path, arguments,
                                    environment: ["PATH": "/usr/bin:/bin", "HOME": data, "TALLY_DATA_DIR": data])
        return (result.status, result.stdout + result.stderr)
    }
}
