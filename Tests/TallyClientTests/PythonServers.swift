import Foundation
import TallyTestSupport

/// A server from `Tests/Interop` run with the test's Python: it prints its loopback port as its
/// first line, later lines are its reports; `stop` ends it, and it also exits when its stdin
/// (this object's pipe) closes, should the test not get to stop it.
final class PythonServer: @unchecked Sendable {
    let port: Int
    private let process = Process()
    private let input = Pipe()
    private let outputPath: String

    init(script: String, arguments: [String] = []) throws {
        guard let python = Peers.python else { throw PythonServerError.noPython }
        outputPath = FileManager.default.temporaryDirectory.appendingPathComponent("python-server-\(UUID().uuidString)").path
        _ = FileManager.default.createFile(atPath: outputPath, contents: nil)
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [RepositoryPaths.root.appendingPathComponent("Tests/Interop/\(script)").path] + arguments
        process.standardInput = input
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: outputPath))
        try process.run()
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline, process.isRunning {
            if let first = Self.lines(outputPath).first, let port = Int(first) {
                self.port = port
                return
            }
            usleep(10_000)
        }
        process.terminate()
        throw PythonServerError.didNotStart(script)
    }

    private static func lines(_ path: String) -> [Substring] {
        ((try? String(contentsOfFile: path, encoding: .utf8)) ?? "").split(separator: "\n")
    }

    /// What it has printed after its port.
    var reports: [Substring] { Array(Self.lines(outputPath).dropFirst()) }

    /// Ends it with SIGTERM (SIGKILL after 5 s), never by stdin alone: a process another test
    /// starts meanwhile may inherit the pipe's write end, and then the EOF never comes (a full
    /// parallel run hung in `waitUntilExit` that way).
    func stop() {
        try? input.fileHandleForWriting.close()
        if process.isRunning { process.terminate() }
        let deadline = Date().addingTimeInterval(5)
        while process.isRunning, Date() < deadline { usleep(10_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        try? FileManager.default.removeItem(atPath: outputPath)
    }
}

enum PythonServerError: Error {
    case noPython, didNotStart(String)
}

/// `cut_proxy.py` in front of a tallyd: every connection through it is cut after `cut` bytes from
/// the server (nil: never), as a network that drops in the middle of a frame would.
struct CutProxy {
    let server: PythonServer
    var port: Int { server.port }

    init(upstreamPort: Int, cut: Int?) throws {
        server = try PythonServer(script: "cut_proxy.py", arguments: [String(upstreamPort), String(cut ?? -1)])
    }

    /// The server bytes passed to the client, for each connection that has ended.
    var relayed: [Int] { server.reports.compactMap { $0.hasPrefix("relayed ") ? Int($0.dropFirst("relayed ".count)) : nil } }

    func stop() { server.stop() }
}
