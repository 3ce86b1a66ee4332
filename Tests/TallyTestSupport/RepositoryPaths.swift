public import Foundation

/// Paths inside this repository, found from this file's location so tests run from any directory.
public enum RepositoryPaths {
    public static let root: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // TallyTestSupport
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()

    public static let proto = root.appendingPathComponent("Proto")
    public static let vectors = proto.appendingPathComponent("vectors")
}

/// The independent peers (Python's protobuf and h2, curl, nghttp) the interop tests talk to.
///
/// `make test` sets `TALLY_REQUIRE_PEERS=1` and `TALLY_PYTHON`; then a missing peer fails the test
/// instead of skipping it, so CI can never pass without the peers having run.
public enum Peers {
    public static var required: Bool { ProcessInfo.processInfo.environment["TALLY_REQUIRE_PEERS"] == "1" }

    /// The venv's Python, when configured.
    public static var python: String? { ProcessInfo.processInfo.environment["TALLY_PYTHON"] }

    /// Whether tests that need Python should run: always when peers are required (and then fail if
    /// Python is missing), otherwise only when it is configured.
    public static var pythonTestsEnabled: Bool { required || python != nil }
}

/// Runs a program to completion and returns its exit status and output.
/// Standard error goes to a temporary file, so a chatty child can never block on a full pipe.
/// `environment`: the child's whole environment (nil: this process's).
public func runProcess(_ executable: String, _ arguments: [String],
                       environment: [String: String]? = nil) throws -> (status: Int32, stdout: String, stderr: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    if let environment { process.environment = environment }
    let out = Pipe()
    let errURL = FileManager.default.temporaryDirectory.appendingPathComponent("tally-stderr-\(UInt64.random(in: 0...UInt64.max))")
    _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
    defer { try? FileManager.default.removeItem(at: errURL) }
    let err = try FileHandle(forWritingTo: errURL)
    process.standardOutput = out
    process.standardError = err
    process.standardInput = FileHandle.nullDevice
    try process.run()
    let stdoutData = out.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    try err.close()
    let stderrData = (try? Data(contentsOf: errURL)) ?? Data()
    return (process.terminationStatus, String(decoding: stdoutData, as: UTF8.self), String(decoding: stderrData, as: UTF8.self))
}

extension RepositoryPaths {
    /// The seed articles, kept with the project's shared material beside the repository (CI clones
    /// the repository with `shared/` beside it). `TALLY_SEEDS` overrides the location.
    public static var seeds: URL {
        if let override = ProcessInfo.processInfo.environment["TALLY_SEEDS"] { return URL(fileURLWithPath: override) }
        return root.deletingLastPathComponent().appendingPathComponent("shared/seeds")
    }

    public static var seedsAvailable: Bool { FileManager.default.fileExists(atPath: seeds.path) }
}

/// Runs blocking work (a peer process, a synchronous call) on a thread of its own, not on Swift's
/// cooperative pool: that pool has one thread per core (two here), and peers blocking it starve
/// every other task of the test run, the test's own included.
public func onOwnThread<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Result { try work() }) }.start()
    }
}
