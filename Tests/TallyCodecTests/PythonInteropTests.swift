import Foundation
import Testing
import TallyCodec
import TallyModel
import TallyTestSupport

/// Google's Python protobuf, compiled from Proto/tally.proto with protoc, against Tally's codec:
/// both directions, every message type, every field set to a non-default value.
@Suite(.enabled(if: Peers.pythonTestsEnabled, "needs TALLY_PYTHON (make test sets it)"))
struct PythonInteropTests {
    let peer = RepositoryPaths.root.appendingPathComponent("Tests/Interop/protobuf_peer.py").path

    private func python() throws -> String {
        try #require(Peers.python, "TALLY_REQUIRE_PEERS=1 but TALLY_PYTHON is not set")
    }

    private func temporaryDirectory() throws -> URL {
        try makeTemporaryDirectory("tally-interop")
    }

    /// Tally encodes; Python parses, finds every field set and nothing unknown, and re-serialises
    /// to the same bytes.
    @Test func pythonDecodesWhatTallyEncodes() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        for (index, sample) in MessageSamples.all.enumerated() {
            let name = "\(type(of: sample).protoName).\(index).bin"
            try Data(sample.wireBytes()).write(to: directory.appendingPathComponent(name))
        }
        let result = try runProcess(python(), [peer, "check", directory.path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("checked \(MessageSamples.all.count) messages, 0 problems"))
        // Every message type of the schema was covered.
        #expect(Set(MessageSamples.all.map { type(of: $0).protoName }) == Set(MessageRegistry.all.map { $0.protoName }))
    }

    /// Python fills every field of every message with random values (seeded); Tally decodes each in
    /// strict mode (an unknown field would be an error) and re-encodes the same bytes.
    @Test func tallyDecodesWhatPythonEncodes() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let perType = 40
        let result = try runProcess(python(), [peer, "generate", directory.path, "2026", "\(perType)"])
        #expect(result.status == 0, "\(result.stderr)")
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".bin") }
        #expect(files.count == MessageRegistry.all.count * perType)
        for file in files.sorted() {
            let typeName = String(file.split(separator: ".").prefix(3).joined(separator: "."))
            let type = try #require(MessageRegistry.byName[typeName], "unknown message \(typeName)")
            let bytes = try [UInt8](Data(contentsOf: directory.appendingPathComponent(file)))
            try checkDecodes(type, bytes, file: file)
        }
    }

    private func checkDecodes<M: WireMessage>(_ type: M.Type, _ bytes: [UInt8], file: String) throws {
        let decoded: M
        do {
            decoded = try M(wireBytes: bytes, limits: .strict)
        } catch {
            Issue.record("\(file): \(error)")
            return
        }
        #expect(decoded.wireBytes() == bytes, "\(file): re-encoded bytes differ")
        if !bytes.isEmpty { #expect(decoded != M(), "\(file): decoded to the default message") }
    }
}
