import Foundation
import GRDB
import TallyCodec
import TallyModel

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
        migrator.registerMigration("v2: searchable columns, citations, the incremental hash") { db in
            // Columns to select and group figures on without decoding them (FigureColumns), the
            // citations for the sources summary and the producer filter, and the LtHash16 state,
            // which replaces the SHA-256 digest (the `digest` column now holds its checksum).
            try db.execute(sql: """
                ALTER TABLE figure ADD COLUMN jurisdiction TEXT NOT NULL DEFAULT '';
                ALTER TABLE figure ADD COLUMN measure TEXT NOT NULL DEFAULT '';
                ALTER TABLE figure ADD COLUMN category INTEGER NOT NULL DEFAULT 0;
                ALTER TABLE figure ADD COLUMN kind INTEGER NOT NULL DEFAULT 0;
                ALTER TABLE figure ADD COLUMN rate_unit INTEGER NOT NULL DEFAULT 0;
                ALTER TABLE figure ADD COLUMN articles TEXT NOT NULL DEFAULT '';
                ALTER TABLE figure ADD COLUMN article_count INTEGER NOT NULL DEFAULT 0;
                ALTER TABLE figure ADD COLUMN start_day INTEGER NOT NULL DEFAULT 0;
                ALTER TABLE figure ADD COLUMN end_day INTEGER NOT NULL DEFAULT 0;
                CREATE TABLE citation (
                    figure_id TEXT NOT NULL,
                    position INTEGER NOT NULL,
                    producer TEXT NOT NULL,
                    outlet TEXT NOT NULL,
                    published_day INTEGER,
                    PRIMARY KEY (figure_id, position)
                ) WITHOUT ROWID;
                ALTER TABLE dataset ADD COLUMN hash BLOB NOT NULL DEFAULT x'';
                """)
            var hash = DatasetHash()
            let rows = try Row.fetchCursor(db, sql: "SELECT id, body FROM figure")
            while let row = try rows.next() {
                let figure = try SQLiteFigureStore.decode(row)
                let body: Data = row["body"]
                body.withUnsafeBytes { hash.add(element: $0) }
                try SQLiteFigureStore.writeColumns(of: figure, db)
            }
            try db.execute(sql: "UPDATE dataset SET hash = ?, digest = ? WHERE id = 1",
                           arguments: [Data(hash.stateBytes), Data(hash.checksum)])
            try db.execute(sql: """
                CREATE INDEX figure_by_statement ON figure (jurisdiction, measure, articles, start_day, end_day, kind, rate_unit);
                CREATE INDEX figure_by_breakdown ON figure (jurisdiction, measure, start_day, end_day);
                CREATE INDEX citation_by_producer ON citation (producer);
                """)
        }
        migrator.registerMigration("v3: the figure count kept with the version") { db in
            // Readers announce the count (a snapshot's header): COUNT(*) read a million index
            // entries for every reader opened, on every publish and every offline answer.
            try db.execute(sql: """
                ALTER TABLE dataset ADD COLUMN figure_count INTEGER NOT NULL DEFAULT 0;
                UPDATE dataset SET figure_count = (SELECT COUNT(*) FROM figure);
                """)
        }
        return migrator
    }
}
