import NIOCore
import PostgresNIO
import TallyCodec
import TallyModel
import TallyStore

/// The schema, as numbered migrations applied under an advisory lock: replicas that start at the
/// same moment wait for one another, so exactly one creates the tables and writes the seed, and
/// the others find them done. A shipped migration never changes; a new schema is a new migration.
///
/// Figures are versioned rows: a publish at version v closes the current row of each figure it
/// touches (`valid_to = v`) and inserts the new one (`valid_from = v`). A reader pinned to version
/// V sees the rows with `valid_from <= V < valid_to`, whatever has been published since, without
/// holding a transaction open. Pruning the change log drops rows no kept version can see.
enum PostgresSchema {
    /// The advisory lock key of schema changes and seeding (any constant; this database only).
    static let lockKey: Int64 = 0x7A11_5C4E_3A00_0001
    /// What `NOTIFY` is sent on with each commit; its payload is the new version.
    static let commitChannel = "tally_commits"

    static let migrations: [(version: Int, description: String, statements: [String])] = [
        (1, "figures as versioned rows, dataset, change log, publishes", [
            // One row: the version, the LtHash16 state and its checksum (the digest), the oldest
            // version the change log serves from, and the oldest version whose rows are all kept.
            """
            CREATE TABLE dataset (
                id integer PRIMARY KEY CHECK (id = 1),
                version bigint NOT NULL,
                digest bytea NOT NULL,
                hash bytea NOT NULL,
                log_start bigint NOT NULL,
                history_start bigint NOT NULL
            )
            """,
            // Ids and the grouped columns compare as bytes (COLLATE "C"): the order SQLite and
            // the protocol use (UTF-8 byte order), whatever the database's locale.
            """
            CREATE TABLE figure (
                id text COLLATE "C" NOT NULL,
                valid_from bigint NOT NULL,
                valid_to bigint,
                revision bigint NOT NULL,
                body bytea NOT NULL,
                jurisdiction text COLLATE "C" NOT NULL,
                measure text COLLATE "C" NOT NULL,
                category integer NOT NULL,
                kind integer NOT NULL,
                rate_unit integer NOT NULL,
                articles text COLLATE "C" NOT NULL,
                article_count integer NOT NULL,
                start_day integer NOT NULL,
                end_day integer NOT NULL,
                PRIMARY KEY (id, valid_from)
            )
            """,
            "CREATE UNIQUE INDEX figure_current ON figure (id) WHERE valid_to IS NULL",
            "CREATE INDEX figure_closed ON figure (valid_to) WHERE valid_to IS NOT NULL",
            "CREATE INDEX figure_by_statement ON figure (jurisdiction, measure, articles, start_day, end_day, kind, rate_unit)",
            "CREATE INDEX figure_by_breakdown ON figure (jurisdiction, measure, start_day, end_day)",
            """
            CREATE TABLE citation (
                figure_id text COLLATE "C" NOT NULL,
                valid_from bigint NOT NULL,
                position integer NOT NULL,
                producer text COLLATE "C" NOT NULL,
                outlet text COLLATE "C" NOT NULL,
                published_day integer,
                PRIMARY KEY (figure_id, valid_from, position),
                FOREIGN KEY (figure_id, valid_from) REFERENCES figure (id, valid_from) ON DELETE CASCADE
            )
            """,
            "CREATE INDEX citation_by_producer ON citation (producer)",
            // What each version changed: an upsert or, with retracted, a tombstone.
            """
            CREATE TABLE change (
                version bigint NOT NULL,
                figure_id text COLLATE "C" NOT NULL,
                retracted boolean NOT NULL,
                PRIMARY KEY (version, figure_id)
            )
            """,
            "CREATE INDEX change_by_figure ON change (figure_id, version)",
            """
            CREATE TABLE publish (
                version bigint PRIMARY KEY,
                comment text NOT NULL,
                upserted integer NOT NULL,
                retracted integer NOT NULL,
                published_at timestamptz NOT NULL DEFAULT now()
            )
            """,
            // A reader's queries call this once each (as an InitPlan): a version whose rows were
            // pruned fails loudly instead of answering with figures missing.
            """
            CREATE FUNCTION tally_kept_version(wanted bigint) RETURNS bigint LANGUAGE plpgsql STABLE AS $$
            BEGIN
                IF wanted < (SELECT history_start FROM dataset WHERE id = 1) THEN
                    RAISE EXCEPTION 'version % is no longer kept (the change log was pruned past it)', wanted
                        USING ERRCODE = 'TA001';
                END IF;
                RETURN wanted;
            END $$
            """,
        ]),
    ]

    /// The seed itself could not be had (the embedded dataset did not load): its own error, not
    /// the database's.
    struct SeedFailed: Error {
        var underlying: any Error
    }

    /// Brings the database's schema up to date and seeds an empty one, once, whoever else is
    /// starting: everything happens while this connection holds the advisory lock.
    static func prepare(_ connection: PostgresConnection, seed: () throws -> [Figure], logger: Logger) async throws {
        try await connection.query("SELECT pg_advisory_lock(\(lockKey))", logger: logger)
        do {
            try await migrate(connection, logger: logger)
            try await seedIfEmpty(connection, seed: seed, logger: logger)
            try await connection.query("SELECT pg_advisory_unlock(\(lockKey))", logger: logger)
        } catch {
            // Closing the connection releases the lock too; this is the polite way when it is open.
            _ = try? await connection.query("SELECT pg_advisory_unlock(\(lockKey))", logger: logger)
            throw error
        }
    }

    private static func migrate(_ connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query("""
            CREATE TABLE IF NOT EXISTS tally_schema (
                version integer PRIMARY KEY, description text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())
            """, logger: logger)
        var applied = Set<Int>()
        for try await version in try await connection.query("SELECT version FROM tally_schema", logger: logger).decode(Int.self) {
            applied.insert(version)
        }
        if let newest = applied.max(), newest > migrations.last!.version {
            throw PostgresSchemaError.newerThanThisBuild(found: newest, known: migrations.last!.version)
        }
        for migration in migrations where !applied.contains(migration.version) {
            try await PostgresFigureStore.transaction(on: connection, logger: logger) { connection in
                for statement in migration.statements {
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
                try await connection.query("INSERT INTO tally_schema (version, description) VALUES (\(migration.version), \(migration.description))",
                                           logger: logger)
            }
            logger.info("database schema migrated", metadata: ["version": "\(migration.version)", "migration": "\(migration.description)"])
        }
    }

    /// Writes the seed as version 1 (version 0 when it is empty, as SQLite's store does) in one
    /// transaction, unless the dataset exists.
    private static func seedIfEmpty(_ connection: PostgresConnection, seed: () throws -> [Figure], logger: Logger) async throws {
        let rows = try await connection.query("SELECT count(*) FROM dataset", logger: logger).decode(Int64.self)
        for try await count in rows where count > 0 { return }
        let figures: [Figure]
        do {
            figures = try seed()
        } catch {
            throw SeedFailed(underlying: error)
        }
        let violations = figures.violations()
        guard violations.isEmpty else { throw PublishError.invalid(violations) }
        let version: UInt64 = figures.isEmpty ? 0 : 1
        try await PostgresFigureStore.transaction(on: connection, logger: logger) { connection in
            var hash = DatasetHash()
            // In slices, so no single statement carries the whole dataset.
            for start in stride(from: 0, to: figures.count, by: 5_000) {
                var rows = FigureRows()
                for var figure in figures[start..<min(start + 5_000, figures.count)] {
                    figure.revision = 1
                    let encoding = figure.wireBytes()
                    hash.add(element: encoding)
                    rows.append(figure, encoding: encoding)
                }
                try await rows.insert(validFrom: version, on: connection, logger: logger)
            }
            let digest = ByteBuffer(bytes: hash.checksum), state = ByteBuffer(bytes: hash.stateBytes)
            try await connection.query("""
                INSERT INTO dataset (id, version, digest, hash, log_start, history_start)
                VALUES (1, \(Int64(version)), \(digest), \(state), 1, 0)
                """, logger: logger)
        }
        logger.info("database seeded", metadata: ["figures": "\(figures.count)", "version": "\(version)"])
    }
}

/// The schema found is not one this build can use.
public enum PostgresSchemaError: Error, Sendable, Equatable, CustomStringConvertible {
    case newerThanThisBuild(found: Int, known: Int)

    public var description: String {
        switch self {
        case .newerThanThisBuild(let found, let known):
            "the database has schema version \(found), newer than this tallyd knows (\(known)): upgrade tallyd"
        }
    }
}
