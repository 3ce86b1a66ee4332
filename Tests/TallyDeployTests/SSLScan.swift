import Foundation
import TallyTestSupport

/// What Debian's `sslscan` (an independent TLS scanner, on its own OpenSSL build) finds a server
/// willing to speak, and the project's TLS policy to judge it by: TLS 1.2 and 1.3 only; for 1.2,
/// ECDHE key exchange with AES-GCM or ChaCha20-Poly1305 only (Mozilla's "intermediate" profile
/// without finite-field DHE); for 1.3, its three AEAD suites.
struct SSLScan {
    struct Cipher: Equatable, CustomStringConvertible {
        var version: String
        var name: String
        var description: String { "\(version) \(name)" }
    }

    /// Enabled protocol versions by sslscan's names ("ssl 3", "tls 1.0", ...).
    var protocols: [String: Bool] = [:]
    var ciphers: [Cipher] = []
    var heartbleedVulnerable = false
    var insecureRenegotiation = false

    static var scanner: String? { PeerTools.path("sslscan") }

    /// Scans `host:port` (with `host` as SNI), reading sslscan's XML report.
    static func scan(host: String, port: Int) throws -> SSLScan {
        guard let scanner else { throw ScanError.missing }
        let report = FileManager.default.temporaryDirectory.appendingPathComponent("sslscan-\(UUID().uuidString).xml")
        defer { try? FileManager.default.removeItem(at: report) }
        let result = try runProcess(scanner, ["--no-colour", "--xml=\(report.path)", "\(host):\(port)"])
        guard result.status == 0, let xml = try? String(contentsOf: report, encoding: .utf8) else {
            throw ScanError.failed("sslscan exited \(result.status): \(result.stderr)\(result.stdout)")
        }
        return SSLScan(xml: xml)
    }

    /// sslscan writes one element per line; the attributes are all that is needed.
    init(xml: String) {
        for line in xml.split(separator: "\n").map({ $0.trimmingCharacters(in: .whitespaces) }) {
            let attributes = Self.attributes(line)
            if line.hasPrefix("<protocol "), let type = attributes["type"], let version = attributes["version"] {
                protocols["\(type) \(version)"] = attributes["enabled"] == "1"
            } else if line.hasPrefix("<cipher "), let version = attributes["sslversion"], let name = attributes["cipher"] {
                ciphers.append(Cipher(version: version, name: name))
            } else if line.hasPrefix("<heartbleed "), attributes["vulnerable"] == "1" {
                heartbleedVulnerable = true
            } else if line.hasPrefix("<renegotiation "), attributes["supported"] == "1", attributes["secure"] != "1" {
                insecureRenegotiation = true
            }
        }
    }

    private static func attributes(_ line: String) -> [String: String] {
        var result: [String: String] = [:]
        var rest = Substring(line)
        while let equals = rest.range(of: "=\"") {
            let name = rest[..<equals.lowerBound].split(separator: " ").last.map(String.init) ?? ""
            let valueStart = equals.upperBound
            guard let close = rest[valueStart...].firstIndex(of: "\"") else { break }
            result[name] = String(rest[valueStart..<close])
            rest = rest[rest.index(after: close)...]
        }
        return result
    }

    static let tls13Suites: Set = ["TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256"]

    static func isModern(_ cipher: Cipher) -> Bool {
        switch cipher.version {
        case "TLSv1.3": tls13Suites.contains(cipher.name)
        case "TLSv1.2": cipher.name.hasPrefix("ECDHE-") && (cipher.name.contains("-GCM-") || cipher.name.hasSuffix("-CHACHA20-POLY1305"))
        default: false
        }
    }

    /// Every way the server falls short of the policy, one sentence each; empty when it meets it.
    var policyViolations: [String] {
        var problems: [String] = []
        for old in ["ssl 2", "ssl 3", "tls 1.0", "tls 1.1"] where protocols[old] != false {
            problems.append("\(old) is \(protocols[old] == nil ? "not reported" : "enabled")")
        }
        for current in ["tls 1.2", "tls 1.3"] where protocols[current] != true {
            problems.append("\(current) is not enabled")
        }
        for cipher in ciphers where !Self.isModern(cipher) { problems.append("accepts \(cipher)") }
        for version in ["TLSv1.2", "TLSv1.3"] where !ciphers.contains(where: { $0.version == version }) {
            problems.append("no \(version) cipher accepted")
        }
        if heartbleedVulnerable { problems.append("vulnerable to heartbleed") }
        if insecureRenegotiation { problems.append("insecure renegotiation") }
        return problems
    }

    enum ScanError: Error { case missing, failed(String) }
}
