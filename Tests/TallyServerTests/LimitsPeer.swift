import Foundation
import Testing
import TallyTestSupport

/// Tests/Interop/limits_peer.py, the Python h2 clients at tallyd's connection and descriptor
/// limits: one scenario per run, its JSON result returned.
enum LimitsPeer {
    static var enabled: Bool { Peers.pythonTestsEnabled }

    static func run(_ scenario: String, port: Int, _ number: Int) async throws -> [String: Any] {
        let python = try #require(Peers.python, "TALLY_PYTHON is not set (make test sets it)")
        let script = RepositoryPaths.root.appendingPathComponent("Tests/Interop/limits_peer.py").path
        let result = try await onOwnThread { try runProcess(python, [script, scenario, "127.0.0.1", String(port), String(number)]) }
        try #require(result.status == 0, "limits_peer.py exited \(result.status): \(result.stderr)")
        let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        let json = try #require(object, "not a JSON object: \(result.stdout)")
        #expect(json["error"] == nil, "\(json["error"] ?? "")")
        return json
    }
}
