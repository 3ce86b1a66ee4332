import Foundation
import Testing
import TallyCodec
import TallyModel
import TallyPostgres
import TallyPostgresTestSupport
import TallyStore

/// The stores the shared store tests run against: every behaviour `FigureStore` promises is
/// checked on each (a test takes the backend as its argument). PostgreSQL is among them when a
/// server is configured (`TALLY_TEST_POSTGRES_URL`, which `make test` sets) or required
/// (`TALLY_REQUIRE_PEERS=1`, and then its absence fails the tests); otherwise it is left out,
/// with a note on standard error saying so.
enum StoreBackend: String, CaseIterable, Sendable, CustomStringConvertible {
    case sqliteInMemory
    case sqliteFile
    case postgres

    var description: String { rawValue }

    static var allCases: [StoreBackend] {
        guard PostgresTestCluster.shouldRun else {
            _ = skipNote
            return [.sqliteInMemory, .sqliteFile]
        }
        return [.sqliteInMemory, .sqliteFile, .postgres]
    }

    /// Backends whose readers are snapshots (an in-memory SQLite store reads the live store).
    static var snapshotReaders: [StoreBackend] { allCases.filter { $0 != .sqliteInMemory } }

    private static let skipNote: Void = {
        FileHandle.standardError.write(Data("""
            TallyStoreTests: the PostgreSQL store is not tested (no \(PostgresTestCluster.urlVariable); \
            Tests/Support/with-postgres.sh or make test provide one)\n
            """.utf8))
    }()

    /// A new, empty store seeded with `seed` as version 1. A PostgreSQL store gets a database of
    /// its own, closed and dropped when the test case ends (`.droppingTestDatabases`).
    func make(seed: [Figure]) async throws -> any FigureStore {
        switch self {
        case .sqliteInMemory:
            return try SQLiteFigureStore(inMemoryWith: seed)
        case .sqliteFile:
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("tally-store-\(UUID().uuidString).sqlite").path
            return try SQLiteFigureStore(path: path, seed: seed)
        case .postgres:
            let made = try #require(TestDatabases.current, "a suite using StoreBackend.postgres needs the .droppingTestDatabases trait")
            await made.beginUse()
            let (store, settings) = try await PostgresTestCluster.makeStore(seed: seed)
            await made.add(store, settings)
            return store
        }
    }
}

/// The PostgreSQL stores one test case made: closed, their databases dropped, and the server
/// released (for an outage test waiting for it) when the case ends.
actor TestDatabases {
    @TaskLocal static var current: TestDatabases?

    private var made: [(PostgresFigureStore, PostgresSettings)] = []
    private var usingServer = false

    func beginUse() async {
        guard !usingServer else { return }
        usingServer = true
        await PostgresTestCluster.beginUse()
    }

    func add(_ store: PostgresFigureStore, _ settings: PostgresSettings) {
        made.append((store, settings))
    }

    func closeAll() async {
        for (store, settings) in made {
            await store.close()
            await PostgresTestCluster.dropDatabase(settings)
        }
        made.removeAll()
        if usingServer { await PostgresTestCluster.endUse() }
        usingServer = false
    }
}

/// Gives each test case a `TestDatabases` and cleans it up after the case, passed or failed.
struct DroppingTestDatabases: TestTrait, SuiteTrait, TestScoping {
    var isRecursive: Bool { true }

    func scopeProvider(for test: Test, testCase: Test.Case?) -> Self? {
        testCase == nil ? nil : self
    }

    func provideScope(for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void) async throws {
        let databases = TestDatabases()
        do {
            try await TestDatabases.$current.withValue(databases) { try await function() }
        } catch {
            await databases.closeAll()
            throw error
        }
        await databases.closeAll()
    }
}

extension Trait where Self == DroppingTestDatabases {
    static var droppingTestDatabases: Self { DroppingTestDatabases() }
}

extension FigureStore {
    /// Every figure of the current version, through a reader's pages.
    func allFigures() async throws -> [Figure] {
        try await reader().allFigures()
    }
}

extension DatasetReader {
    func allFigures() async throws -> [Figure] {
        var figures: [Figure] = []
        var after: String?
        while true {
            let page = try await page(after: after, limit: 7)
            guard let last = page.last else { return figures }
            figures += try page.map { try Figure(wireBytes: $0.encoding) }
            after = last.id
        }
    }
}
