import Foundation
import Testing
import TallyClient
import TallyStore
import TallyTestSupport

/// This client against a server from before dataset schema 2 (`old_server.py`, which answers the
/// sync calls as the first release did): `tally sync` refuses its answers with exit 76 and a
/// message telling the user to upgrade tallyd, and writes nothing, whether the copy is new (a
/// Snapshot, schema 1 in its header) or existing (a Changes header without the schema field).
/// The reverse, an old client against this server, is in CurlInteropTests.
@Suite(.serialized, .timeLimit(.minutes(2)), .enabled(if: Peers.pythonTestsEnabled, "needs TALLY_PYTHON"))
struct SchemaCompatibilityTests {
    private func sync(server: String, data: URL) throws -> (status: Int32, stderr: String) {
        let result = try runProcess(TallydProcess.productsDirectory.appendingPathComponent("tally").path, ["sync", "--server", server],
                                    environment: ["PATH": "/usr/bin:/bin", "HOME": data.path, "TALLY_DATA_DIR": data.path])
        return (result.status, result.stderr)
    }

    @Test func anOldServerIsRefusedWithAnUpgradeMessageAndNothingWritten() async throws {
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("old-server-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: data) }
        let old = try PythonServer(script: "old_server.py")
        defer { old.stop() }
        let path = DataDirectory.snapshotPath(environment: ["TALLY_DATA_DIR": data.path])

        // No copy yet: a full download, whose header says schema 1.
        let first = try sync(server: "http://127.0.0.1:\(old.port)", data: data)
        #expect(first.status == 76, "\(first.stderr)")
        #expect(first.stderr.contains("dataset schema 1") && first.stderr.contains("upgrade tallyd"), "\(first.stderr)")
        #expect(try await LocalCopy.open(path: path).state().version == 0, "nothing was written")

        // A copy at version 1 from a current tallyd: the old server's Changes header has no schema.
        let current = try TallydProcess()
        defer { current.stop() }
        #expect(try sync(server: current.url, data: data).status == 0)
        let before = try await LocalCopy.open(path: path).state()
        let second = try sync(server: "http://127.0.0.1:\(old.port)", data: data)
        #expect(second.status == 76, "\(second.stderr)")
        #expect(second.stderr.contains("upgrade tallyd"), "\(second.stderr)")
        #expect(try await LocalCopy.open(path: path).state() == before)
    }
}
