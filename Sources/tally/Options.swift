import ArgumentParser
import Foundation
import TallyClient

enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case table, json, csv
}

/// Where to get answers, and how to print them: shared by every command. The root command has
/// this group too, so the options parse before the command name as well as after it, and each
/// command's group receives the values the root parsed (see `Tally.global`).
struct GlobalOptions: ParsableArguments {
    @Option(help: "Server URL, http://host:port (h2c) or https://host:port (TLS). Default: TALLY_SERVER, the config file, or http://127.0.0.1:8080.")
    var server: String?

    @Option(help: "PEM file of a private CA to trust for https:// servers.")
    var cacert: String?

    @Option(help: "Seconds a call may take.")
    var timeout: Int = 30

    @Flag(help: "Answer from the local snapshot without contacting the server.")
    var offline = false

    @Option(help: "Output format: table, json or csv.")
    var format: OutputFormat = .table

    func validate() throws {
        guard timeout > 0 else { throw ValidationError("--timeout must be a positive number of seconds.") }
        if let cacert, !FileManager.default.isReadableFile(atPath: cacert) {
            throw ValidationError("--cacert \(cacert) is not a readable file.")
        }
    }

    /// --server, then TALLY_SERVER, then `server = …` in the config file, then the local default.
    func serverAddress(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> ServerAddress {
        if let server { return try ServerAddress(parsing: server) }
        if let server = environment["TALLY_SERVER"], !server.isEmpty { return try ServerAddress(parsing: server) }
        if let server = Self.configuredServer(environment: environment) { return try ServerAddress(parsing: server) }
        return ServerAddress(secure: false, host: "127.0.0.1", port: 8080)
    }

    static func configuredServer(environment: [String: String]) -> String? {
        let base = environment["XDG_CONFIG_HOME"].map { URL(fileURLWithPath: $0) }
            ?? URL(fileURLWithPath: environment["HOME"] ?? NSHomeDirectory()).appendingPathComponent(".config")
        guard let text = try? String(contentsOf: base.appendingPathComponent("tally/config"), encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if parts.count == 2 && parts[0] == "server" { return parts[1] }
        }
        return nil
    }

    func makeClient() throws -> TallyClient {
        var configuration = TallyClient.Configuration(server: try serverAddress())
        configuration.caCertificatePath = cacert
        configuration.timeout = .seconds(timeout)
        return try TallyClient(configuration: configuration)
    }

    var snapshotPath: String { DataDirectory.snapshotPath() }
}
