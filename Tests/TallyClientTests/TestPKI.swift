import Foundation
import Testing
import TallyTestSupport

/// A throwaway CA and a server certificate for `localhost` and 127.0.0.1, made with openssl, plus a
/// second CA that signed nothing.
struct TestPKI {
    let caCertificate: String
    let otherCACertificate: String
    let serverCertificate: String
    let serverKey: String

    init(directory: URL) throws {
        let openssl = try #require(PeerTools.path("openssl"), "openssl is not installed (make test installs it)")
        func path(_ name: String) -> String { directory.appendingPathComponent(name).path }
        func run(_ arguments: [String]) throws {
            let result = try runProcess(openssl, arguments)
            #expect(result.status == 0, "openssl \(arguments.first ?? ""): \(result.stderr)")
        }
        for ca in ["ca", "other-ca"] {
            try run(["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2",
                     "-subj", "/CN=Tally test \(ca)", "-keyout", path("\(ca).key"), "-out", path("\(ca).pem")])
        }
        try run(["req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-subj", "/CN=localhost",
                 "-keyout", path("server.key"), "-out", path("server.csr")])
        try Data("subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n".utf8).write(to: URL(fileURLWithPath: path("server.ext")))
        try run(["x509", "-req", "-in", path("server.csr"), "-CA", path("ca.pem"), "-CAkey", path("ca.key"), "-CAcreateserial",
                 "-days", "2", "-extfile", path("server.ext"), "-out", path("server.pem")])
        caCertificate = path("ca.pem")
        otherCACertificate = path("other-ca.pem")
        serverCertificate = path("server.pem")
        serverKey = path("server.key")
    }
}
