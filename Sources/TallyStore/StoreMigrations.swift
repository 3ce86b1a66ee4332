import GRDB

/// The schema, as migrations. A shipped migration never changes; a new schema is a new migration.
enum StoreMigrations {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: figures, dataset, change log, publishes") { db in
            // The current figures, as canonical wire bytes (what the digest covers).
            try db.execute(sql: """
                CREATE TABLE figure (
                    id TEXT PRIMARY KEY NOT NULL,
                    revision INTEGER NOT NULL,
                    body BLOB NOT NULL
                ) WITHOUT ROWID;
                -- One row: the version, its digest, and the oldest version the change log can serve from.
                CREATE TABLE dataset (
                    id INTEGER PRIMARY KEY CHECK (id = 1),
                    version INTEGER NOT NULL,
                    digest BLOB NOT NULL,
                    log_start INTEGER NOT NULL
                );
                -- What each version changed: an upsert or, with retracted = 1, a tombstone.
                CREATE TABLE change (
                    version INTEGER NOT NULL,
                    figure_id TEXT NOT NULL,
                    retracted INTEGER NOT NULL,
                    PRIMARY KEY (version, figure_id)
                ) WITHOUT ROWID;
                CREATE INDEX change_by_figure ON change (figure_id, version);
                CREATE TABLE publish (
                    version INTEGER PRIMARY KEY,
                    comment TEXT NOT NULL,
                    upserted INTEGER NOT NULL,
                    retracted INTEGER NOT NULL,
                    published_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
                );
                """)
        }
        return migrator
    }
}
