import Foundation
import Testing
import TallyPostgres
import TallyPostgresTestSupport
import TallyTestSupport

/// A store that cannot start says which of the usual reasons it is, naming the server, database
/// and user, and never the password.
@Suite(.enabled(if: PostgresTestCluster.shouldRun, "no PostgreSQL: set TALLY_TEST_POSTGRES_URL (Tests/Support/with-postgres.sh)"))
struct PostgresConnectTests {
    @Test func aWrongPasswordIsAnAuthenticationFailure() async throws {
        var settings = try PostgresTestCluster.serverSettings()
        settings.password = "certainly-not-the-password"
        let error = await connectError(settings)
        guard case .authenticationFailed(let endpoint, let reason)? = error else {
            Issue.record("expected authenticationFailed, got \(String(describing: error))")
            return
        }
        #expect(endpoint == settings.endpoint)
        #expect(reason.contains("password authentication failed"))
        #expect(!error!.description.contains("certainly-not-the-password"))
        #expect(error!.description.contains("user '\(settings.user)'") && error!.description.contains("\(settings.host):\(settings.port)"))
    }

    @Test func aClosedPortIsUnreachable() async throws {
        var settings = try PostgresTestCluster.serverSettings()
        settings.port = try freeLoopbackPort()  // nothing listens on it
        let error = await connectError(settings)
        guard case .unreachable(let endpoint, _)? = error else {
            Issue.record("expected unreachable, got \(String(describing: error))")
            return
        }
        #expect(endpoint.port == settings.port)
        #expect(error!.description.contains("cannot be reached"))
    }

    @Test func aMissingDatabaseIsNamed() async throws {
        let settings = try PostgresTestCluster.serverSettings().database("tally_test_absent_\(UUID().uuidString.prefix(8).lowercased())")
        let error = await connectError(settings)
        #expect(error == .databaseMissing(settings.endpoint))
        #expect(error?.description.contains("no database '\(settings.database)'") == true)
    }

    /// The test server has no certificate: asking for TLS is refused before any password is sent.
    @Test func requiredTLSThatTheServerDoesNotOfferFails() async throws {
        var settings = try PostgresTestCluster.serverSettings()
        settings.tls = .require
        let error = await connectError(settings)
        guard case .tlsFailed? = error else {
            Issue.record("expected tlsFailed, got \(String(describing: error))")
            return
        }
    }

    private func connectError(_ settings: PostgresSettings) async -> PostgresConnectError? {
        do {
            let store = try await PostgresTestCluster.holdingServer {
                try await PostgresFigureStore.connect(settings: settings, seed: [], logger: PostgresTestCluster.logger)
            }
            await store.close()
            return nil
        } catch let error as PostgresConnectError {
            return error
        } catch {
            Issue.record("not a PostgresConnectError: \(String(reflecting: error))")
            return nil
        }
    }
}
