public import Foundation

/// A `tallyd` started by a test on a free loopback port, with its own database, stopped by the test.
public final class TallydProcess: @unchecked Sendable {
    public let process = Process()
    public let port: Int
    public let databasePath: String
    public let logPath: String
    private let directory: URL

    /// The products directory the test bundle runs from (where `tallyd` is built).
    public static var productsDirectory: URL { URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent() }

    /// `launcher` is a command that runs tallyd, e.g. `Unprivileged.launcher` (empty: run it directly).
    public init(arguments: [String] = [], database: String? = nil, environment: [String: String] = [:],
                launcher: [String] = []) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("tallyd-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        databasePath = database ?? directory.appendingPathComponent("tally.sqlite").path
        logPath = directory.appendingPathComponent("tallyd.log").path
        let stdoutPath = directory.appendingPathComponent("stdout").path
        FileManager.default.createFile(atPath: stdoutPath, contents: nil)
        FileManager.default.createFile(atPath: logPath, contents: nil)
        let tallyd = Self.productsDirectory.appendingPathComponent("tallyd").path
        let command = launcher + [tallyd, "--host", "127.0.0.1", "--port", "0", "--database", databasePath] + arguments
        process.executableURL = URL(fileURLWithPath: command[0])
        process.arguments = Array(command.dropFirst())
        var env = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("TALLY_") }
        env.merge(environment) { $1 }
        process.environment = env
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: stdoutPath))
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        try process.run()
        // tallyd prints one line when it listens: "listening on 127.0.0.1:PORT dataset version N".
        let deadline = Date().addingTimeInterval(30)
        var found: Int?
        while found == nil && Date() < deadline && process.isRunning {
            let text = (try? String(contentsOfFile: stdoutPath, encoding: .utf8)) ?? ""
            if let line = text.split(separator: "\n").first(where: { $0.hasPrefix("listening on ") }),
               let portText = line.split(separator: " ")[2].split(separator: ":").last {
                found = Int(portText)
            } else {
                usleep(20_000)
            }
        }
        guard let found else {
            process.terminate()
            let log = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
            throw TallydProcessError.didNotStart(log: log)
        }
        port = found
    }

    public var url: String { "http://127.0.0.1:\(port)" }

    public var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    /// A value from tallyd's `/metrics` (the first sample of `name`, labels included in `name` if
    /// given), fetched with curl on a thread of its own.
    public func metric(_ name: String) async throws -> Double? {
        guard let curl = PeerTools.path("curl") else { throw TallydProcessError.didNotStart(log: "curl is not installed") }
        let port = port
        let text = try await onOwnThread {
            try runProcess(curl, ["-s", "--max-time", "5", "--http2-prior-knowledge", "http://127.0.0.1:\(port)/metrics"]).stdout
        }
        return text.split(separator: "\n").first { $0.hasPrefix(name + " ") }.flatMap { Double($0.split(separator: " ").last ?? "") }
    }

    /// Sends `signal` and waits up to `timeout` seconds for the exit; returns the exit status.
    @discardableResult
    public func stop(signal: Int32 = SIGTERM, timeout: TimeInterval = 30) -> Int32? {
        guard process.isRunning else { return process.terminationStatus }
        kill(process.processIdentifier, signal)
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { usleep(10_000) }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            return nil
        }
        return process.terminationStatus
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        try? FileManager.default.removeItem(at: directory)
    }
}

public enum TallydProcessError: Error {
    case didNotStart(log: String)
}

/// Running a program as a container runs it: without capabilities. Tests run as root here, and root
/// may do what a container's user may not (setting `SO_DEBUG` needs CAP_NET_ADMIN, for one).
public enum Unprivileged {
    /// A command prefix that drops every capability, or nothing when the tests already run without
    /// them (not root).
    public static var launcher: [String] {
        getuid() == 0 ? ["/usr/bin/setpriv", "--bounding-set=-all", "--inh-caps=-all", "--no-new-privs", "--"] : []
    }
}

/// Where the independent HTTP/2 peers are installed (Debian: curl, nghttp2-client).
public enum PeerTools {
    public static func path(_ name: String) -> String? {
        for directory in ["/usr/bin", "/usr/local/bin"] where FileManager.default.isExecutableFile(atPath: "\(directory)/\(name)") {
            return "\(directory)/\(name)"
        }
        return nil
    }

    public static func enabled(_ name: String) -> Bool { Peers.required || path(name) != nil }
}

/// A loopback port free at the moment of asking (bound to port 0, read, released).
public func freeLoopbackPort() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw POSIXError(.EMFILE) }
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
    }
    guard bound else { throw POSIXError(.EADDRINUSE) }
    return Int(UInt16(bigEndian: address.sin_port))
}
