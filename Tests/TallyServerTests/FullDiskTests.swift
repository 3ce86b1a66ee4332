import Foundation
import Testing
import TallyCodec
import TallyModel
import TallyTestSupport

/// The database's file system full during a publish, for real: the test mounts a small tmpfs
/// (root only: `make test` runs as root; elsewhere the test is skipped unless peers are required),
/// puts tallyd's database on it and fills the rest. The publish fails with `resource_exhausted`
/// saying the disk is full; the dataset is intact (version and digest unchanged, verified again at
/// the next start); every other call is served; once space is freed, publishing works again.
@Suite(.serialized, .timeLimit(.minutes(3)), .enabled(if: getuid() == 0 || Peers.required, "mounting a tmpfs needs root"))
struct FullDiskTests {
    static let token = "full-disk-token"

    private func publish(_ figures: [Figure], port: Int) throws -> CurlClient.Response {
        var request = PublishRequest()
        request.figures = figures
        return try CurlClient(port: port).call(.init(path: "/tally.v1.Tally/Publish", body: EnvelopeFramer().frame(request),
                                                     headers: ["content-type: application/tally+proto", "authorization: Bearer \(Self.token)"]))
    }

    private func health(port: Int) throws -> HealthResponse {
        try CurlClient(port: port).call(.init(path: "/tally.v1.Tally/Health")).message(HealthResponse.self)
    }

    /// Fills the file system under `directory` with one file until write(2) says ENOSPC.
    private func fill(_ directory: URL) throws -> String {
        let filler = directory.appendingPathComponent("filler").path
        let fd = open(filler, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        try #require(fd >= 0)
        defer { close(fd) }
        let chunk = [UInt8](repeating: 0x5A, count: 4096)
        var written = 0
        while true {
            let count = chunk.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if count <= 0 { break }
            written += count
            try #require(written < 64 << 20, "the file system never filled")
        }
        #expect(errno == ENOSPC)
        return filler
    }

    @Test func aFullDiskFailsThePublishAndNothingElse() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("full-disk-\(UUID().uuidString)")
        let mountPoint = directory.appendingPathComponent("fs")
        try FileManager.default.createDirectory(at: mountPoint, withIntermediateDirectories: true)
        let mount = try runProcess("/bin/mount", ["-t", "tmpfs", "-o", "size=4m,mode=0755", "tmpfs", mountPoint.path])
        try #require(mount.status == 0, "cannot mount a tmpfs: \(mount.stderr)")
        defer {
            _ = try? runProcess("/bin/umount", ["-l", mountPoint.path])
            try? FileManager.default.removeItem(at: directory)
        }
        let tokenFile = directory.appendingPathComponent("token")
        try Data(Self.token.utf8).write(to: tokenFile)
        let database = mountPoint.appendingPathComponent("tally.sqlite").path
        var tallyd = try TallydProcess(arguments: ["--publish-token-file", tokenFile.path], database: database)
        defer { tallyd.stop() }
        let before = try health(port: tallyd.port)

        let filler = try fill(mountPoint)
        // About 1.5 MB of figures: more than any slack SQLite's files may still have.
        let batch = SyntheticFigures.make(count: 300, prefix: "full").map { figure in
            var figure = figure
            figure.note = String(repeating: "Too large for a full disk. ", count: 180)
            return figure
        }
        let refused = try publish(batch, port: tallyd.port)
        let status = try refused.callStatus()
        #expect(status.code == .resourceExhausted, "\(status)")
        #expect(status.message.contains("the server's disk is full: the publish was not written and the dataset is unchanged"), "\(status.message)")
        #expect(refused.status == 429)
        #expect(tallyd.log.contains("publish not written") && tallyd.log.contains("database \(database): the file system holding the database is full"),
                "\(tallyd.log)")

        // Intact and still serving: the same version and digest, and a call that reads the store.
        let during = try health(port: tallyd.port)
        #expect(during.datasetVersion == before.datasetVersion && during.digest == before.digest)
        let changes = try CurlClient(port: tallyd.port).call(.init(path: "/tally.v1.Tally/Changes", body: EnvelopeFramer().frame(ChangesRequest(sinceVersion: 1))))
        #expect(try changes.callStatus().code == .ok)

        // Space again: the next publish is written.
        try FileManager.default.removeItem(atPath: filler)
        let accepted = try publish(Array(batch.prefix(3)), port: tallyd.port)
        #expect(try accepted.callStatus().code == .ok)
        #expect(try accepted.message(PublishResponse.self).datasetVersion == before.datasetVersion + 1)

        // And the file verifies at the next start.
        #expect(tallyd.stop() == 0)
        tallyd = try TallydProcess(arguments: ["--publish-token-file", tokenFile.path], database: database)
        #expect(try health(port: tallyd.port).datasetVersion == before.datasetVersion + 1)
    }
}
