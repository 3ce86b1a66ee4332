import ArgumentParser
import Foundation
import TallyClient
import TallyCodec

/// `tallyd healthcheck`: asks the local server for its health over HTTP/2, for container
/// HEALTHCHECKs (the runtime image has no curl). Exit 0 when serving, 1 otherwise.
struct Healthcheck: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "healthcheck",
        abstract: "Exit 0 if the tallyd on this host is serving (port from --port or TALLY_PORT)."
    )

    @Option(help: "Port of the local tallyd (default: TALLY_PORT, else 8080).") var port: Int?

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let target = port ?? environment["TALLY_PORT"].flatMap(Int.init) ?? 8080
        var configuration = TallyClient.Configuration(server: ServerAddress(secure: false, host: "127.0.0.1", port: target))
        configuration.timeout = .seconds(2)
        configuration.connectTimeout = .seconds(2)
        configuration.retries = 0
        let client = try TallyClient(configuration: configuration)
        defer { Task { await client.shutdown() } }
        do {
            let health = try await client.health()
            guard health.status == .serving else {
                FileHandle.standardError.write(Data("tallyd is \(health.status)\n".utf8))
                throw ExitCode(1)
            }
        } catch let error as TallyClientError {
            FileHandle.standardError.write(Data("\(error)\n".utf8))
            throw ExitCode(1)
        }
    }
}
