import Foundation
import Testing
import TallyPostgres

/// The database URL and password file, read as libpq reads them, and every mistake named.
@Suite struct PostgresSettingsTests {
    @Test func aFullURLGivesEveryPart() throws {
        let settings = try PostgresSettings(url: "postgresql://tally:s%40cret@db.example:6543/newsroom?sslmode=require&connect_timeout=4")
        #expect(settings.user == "tally")
        #expect(settings.password == "s@cret")
        #expect(settings.host == "db.example")
        #expect(settings.port == 6543)
        #expect(settings.database == "newsroom")
        #expect(settings.tls == .require)
        #expect(settings.connectTimeout == .seconds(4))
    }

    @Test func defaultsAreLibpqs() throws {
        let settings = try PostgresSettings(url: "postgres://tally@localhost")
        #expect(settings.port == 5432)
        #expect(settings.database == "tally", "the database defaults to the user's name")
        #expect(settings.tls == .prefer)
        #expect(settings.password == nil)
        #expect(try PostgresSettings(url: "postgres://u@[::1]:5433/d").host == "::1")
        #expect(try PostgresSettings(url: "postgres://u@[::1]:5433/d").port == 5433)
        #expect(try PostgresSettings(url: "postgres://u@h/d?sslmode=disable").tls == .disable)
        #expect(try PostgresSettings(url: "postgres://u@h/d?sslmode=verify-full").tls == .verifyFull)
    }

    @Test func recognisesPostgresURLsAndNotPaths() {
        #expect(PostgresSettings.isPostgresURL("postgres://u@h/d"))
        #expect(PostgresSettings.isPostgresURL("PostgreSQL://u@h/d"))
        #expect(!PostgresSettings.isPostgresURL(".tally/tally.sqlite"))
        #expect(!PostgresSettings.isPostgresURL("/var/lib/postgres://x"))
        #expect(throws: PostgresSettingsError.notPostgresURL) { try PostgresSettings(url: "mysql://u@h/d") }
    }

    @Test func theRedactedURLHidesThePassword() throws {
        let settings = try PostgresSettings(url: "postgres://tally:hunter2@127.0.0.1:5432/tally?sslmode=disable")
        #expect(settings.redactedURL == "postgres://tally:***@127.0.0.1:5432/tally?sslmode=disable")
        #expect(!settings.redactedURL.contains("hunter2"))
        #expect(try PostgresSettings(url: "postgres://tally@h/d").redactedURL == "postgres://tally@h:5432/d?sslmode=prefer")
        // What the URL says, read back, is the same settings.
        #expect(try PostgresSettings(url: settings.url(password: settings.password)) == settings)
    }

    @Test(arguments: [
        ("postgres://tally@h:99999/d", "port", "'99999' is not a number from 1 to 65535"),
        ("postgres://tally@h:x/d", "port", "'x' is not a number from 1 to 65535"),
        ("postgres://h/d", "user", "is missing: write the user before the host, as postgres://USER@h/DATABASE"),
        ("postgres://tally@/d", "host", "is missing: write it after '@', as postgres://USER@HOST/DATABASE"),
        ("postgres://tally@a,b/d", "host", "'a,b' lists several hosts, and tallyd takes one (the writable one)"),
        ("postgres://tally@h/d?sslmode=verify-ca", "sslmode", "'verify-ca' is not one of disable, prefer, require, verify-full"),
        ("postgres://tally@h/d?sslmode", "query", "has 'sslmode' without a value"),
        ("postgres://tally@h/d?pool=3", "query",
         "has the parameter 'pool', which tallyd does not know (it knows sslmode, connect_timeout, sslrootcert, application_name)"),
        ("postgres://tally@h/d?connect_timeout=0", "connect_timeout", "'0' is not a whole number of seconds above 0"),
        ("postgres://tally@h/d%zz", "database name", "has a '%' that does not start a valid escape (write '%25' for '%')"),
        ("postgres://tally@[::1/d", "host", "'[::1' opens '[' without closing it"),
    ])
    func aMalformedURLSaysWhichPartIsWrong(_ url: String, _ part: String, _ problem: String) {
        #expect(throws: PostgresSettingsError.malformed(part: part, problem: problem)) { try PostgresSettings(url: url) }
    }

    @Test func malformedDescriptionsNameThePartAndTheForm() {
        let error = PostgresSettingsError.malformed(part: "port", problem: "'x' is not a number from 1 to 65535")
        #expect(error.description.hasPrefix("the database URL's port 'x' is not a number from 1 to 65535"))
        #expect(error.description.contains("postgres://USER@HOST:PORT/DATABASE"))
    }

    @Test func thePasswordComesFromTheFileWithoutItsNewline() throws {
        let file = try temporaryFile("s3cret pass\n")
        #expect(try PostgresSettings(url: "postgres://tally@h/d", passwordFile: file).password == "s3cret pass")
        let windows = try temporaryFile("other\r\n")
        #expect(try PostgresSettings(url: "postgres://tally@h/d", passwordFile: windows).password == "other")
    }

    @Test func aPasswordInBothPlacesIsRefused() throws {
        let file = try temporaryFile("s3cret\n")
        #expect(throws: PostgresSettingsError.passwordTwice(file: file)) {
            try PostgresSettings(url: "postgres://tally:inline@h/d", passwordFile: file)
        }
    }

    @Test func aBadPasswordFileIsNamed() throws {
        let newlineOnly = try temporaryFile("\n")
        #expect(throws: PostgresSettingsError.passwordFileEmpty(path: newlineOnly)) {
            try PostgresSettings(url: "postgres://tally@h/d", passwordFile: newlineOnly)
        }
        let empty = try temporaryFile("")
        #expect(throws: PostgresSettingsError.passwordFileEmpty(path: empty)) { try PostgresSettings(url: "postgres://tally@h/d", passwordFile: empty) }
        let twoLines = try temporaryFile("a\nb\n")
        #expect(throws: PostgresSettingsError.passwordFileHasSeveralLines(path: twoLines)) {
            try PostgresSettings(url: "postgres://tally@h/d", passwordFile: twoLines)
        }
        do {
            _ = try PostgresSettings(url: "postgres://tally@h/d", passwordFile: "/nonexistent/tally-password")
            Issue.record("a missing password file was accepted")
        } catch {
            guard case .passwordFileUnreadable(let path, _) = error else { Issue.record("unexpected \(error)"); return }
            #expect(path == "/nonexistent/tally-password")
        }
    }

    private func temporaryFile(_ contents: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("tally-pw-\(UUID().uuidString)").path
        try contents.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }
}
