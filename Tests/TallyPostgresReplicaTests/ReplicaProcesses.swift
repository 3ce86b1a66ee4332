import Foundation
import TallyClient
import TallyCodec
import TallyPostgres
import TallyPostgresTestSupport
import TallyTestSupport

/// tallyd replicas as processes on one PostgreSQL database (a fresh one per test): the database
/// named by URL, its password in a file (`--database-password-file`, as a container secret would
/// give it), each replica with a mirror of its own.
struct ReplicaProcesses {
    static let token = "replica-process-token"
    let settings: PostgresSettings
    let replicas: [TallydProcess]
    private let directory: URL

    /// The URL tallyd is given: everything but the password.
    static func url(_ settings: PostgresSettings) -> String {
        "postgres://\(settings.user)@\(settings.host):\(settings.port)/\(settings.database)?sslmode=disable"
    }

    /// Starts `count` replicas at the same moment (each on a thread of its own, so their first
    /// connections, migrations and seeding race as they would in a deployment).
    init(_ count: Int, on settings: PostgresSettings, checkSeconds: Int = 60) async throws {
        self.settings = settings
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("pg-replicas-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let passwordFile = directory.appendingPathComponent("password").path
        try Data((settings.password ?? "").utf8).write(to: URL(fileURLWithPath: passwordFile))
        let tokenFile = directory.appendingPathComponent("token").path
        try Data(Self.token.utf8).write(to: URL(fileURLWithPath: tokenFile))
        let url = Self.url(settings)
        let directory = directory
        replicas = try await withThrowingTaskGroup(of: (Int, TallydProcess).self) { group in
            for index in 0..<count {
                group.addTask {
                    try await onOwnThread {
                        (index, try TallydProcess(arguments: ["--database-password-file", passwordFile, "--publish-token-file", tokenFile],
                                                  database: url,
                                                  environment: ["TALLY_MIRROR": directory.appendingPathComponent("mirror\(index).sqlite").path,
                                                                "TALLY_REPLICA_CHECK_SECONDS": String(checkSeconds)]))
                    }
                }
            }
            var started: [(Int, TallydProcess)] = []
            for try await replica in group { started.append(replica) }
            return started.sorted { $0.0 < $1.0 }.map(\.1)
        }
    }

    func client(_ index: Int, retries: Int = 0) throws -> TallyClient {
        var configuration = TallyClient.Configuration(server: ServerAddress(secure: false, host: "127.0.0.1", port: replicas[index].port))
        configuration.retries = retries
        return try TallyClient(configuration: configuration)
    }

    func stop() {
        for replica in replicas { replica.stop() }
        try? FileManager.default.removeItem(at: directory)
    }
}
