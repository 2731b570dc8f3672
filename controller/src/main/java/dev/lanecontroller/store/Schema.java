package dev.lanecontroller.store;

import java.sql.SQLException;
import java.sql.Statement;

/** The tables every database has; card tables come and go with list versions (see ClearanceStore). */
final class Schema {
    /**
     * The layout this release writes: 1 flagged sent events in the journal, 2 kept the unsent in an
     * outbox table, 3 keeps what central acknowledged as a cursor and ranges. Raise it with every change to the tables, and raise OLDEST_READER too when a
     * release of the old layout could no longer use the database safely (docs/journal.md).
     */
    static final int VERSION = 3;
    /**
     * The oldest layout whose releases may still open a database this release has written. A
     * release of layout 2 finds no outbox table and makes one from the journal's sent flags, which
     * no layout since 1 sets: it sends again every event journaled since, which central dedupes,
     * and loses nothing.
     * Back on this release, the outbox it left is what stands (see {@link #create}).
     */
    static final int OLDEST_READER = 2;

    private Schema() {}

    private static boolean exists(Statement statement, String table) throws SQLException {
        try (java.sql.ResultSet rows = statement.executeQuery("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '" + table + "'")) {
            return rows.next();
        }
    }

    static void create(Statement statement) throws SQLException {
        statement.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)");
        statement.execute("INSERT OR IGNORE INTO meta(key, value) VALUES ('schema_version', '1')");
        int written = metaInt(statement, "schema_version");
        // A database from before oldest_reader existed says nothing: its own version is the bound.
        Integer oldestReaderKept = metaInt(statement, "oldest_reader");
        int oldestReader = oldestReaderKept == null ? written : oldestReaderKept;
        if (oldestReader > VERSION) {
            throw new SQLException("it was written by a newer release (schema " + written + ", which releases before schema "
                    + oldestReader + " cannot use); this release knows schema " + VERSION
                    + ". Run the newer release again, or move this database aside and start a fresh one (docs/install.md, Upgrades)");
        }
        statement.execute("INSERT OR IGNORE INTO meta(key, value) VALUES ('journal_id', '" + java.util.UUID.randomUUID() + "')");
        statement.execute("""
                CREATE TABLE IF NOT EXISTS journal (
                  seq INTEGER PRIMARY KEY,
                  boot_id TEXT NOT NULL,
                  mono_ms INTEGER NOT NULL,
                  wall_ms INTEGER NOT NULL,
                  clock_synced INTEGER NOT NULL,
                  type TEXT NOT NULL,
                  payload TEXT NOT NULL,
                  prev_hash TEXT NOT NULL,
                  hash TEXT NOT NULL,
                  sent INTEGER NOT NULL DEFAULT 0)""");
        // What central acknowledged: a cursor in meta and the ranges above it (AckCursor). An append
        // writes nothing but its journal row. (journal.sent is from schema 1 and no longer written.)
        statement.execute("DROP INDEX IF EXISTS journal_unsent");
        statement.execute("CREATE TABLE IF NOT EXISTS acked_ahead (from_seq INTEGER PRIMARY KEY, to_seq INTEGER NOT NULL)");
        // An outbox table is from a release of layout 2: an upgrade, or a rollback and back, whose
        // outbox is then newer than the cursor.
        boolean outboxTable = exists(statement, "outbox");
        if (outboxTable || !metaHas(statement, SqliteOutbox.ACKED_THROUGH_KEY)) {
            moveToAckCursor(statement, outboxTable ? "SELECT seq FROM outbox" : "SELECT seq FROM journal WHERE sent = 0");
        }
        statement.execute("""
                CREATE TABLE IF NOT EXISTS list_in_force (
                  program TEXT PRIMARY KEY,
                  version INTEGER NOT NULL,
                  issued_wall_ms INTEGER NOT NULL,
                  expires_wall_ms INTEGER NOT NULL,
                  entry_count INTEGER NOT NULL,
                  card_table TEXT NOT NULL,
                  loaded_wall_ms INTEGER NOT NULL)""");
        // Lists of the first layout lived in tables of this database; they are dropped at start
        // (ClearanceStore.dropOrphanTables), so their rows no longer name anything in force.
        statement.execute("DELETE FROM list_in_force WHERE card_table NOT LIKE '%.db'");
        statement.execute("CREATE TABLE IF NOT EXISTS command_nonce (nonce TEXT PRIMARY KEY, issued_wall_ms INTEGER NOT NULL)");
        if (written < VERSION) {
            statement.execute("UPDATE meta SET value = '" + VERSION + "' WHERE key = 'schema_version'");
        }
        // Never lowered: a newer release that left it readable by this one keeps its own bound.
        statement.execute("INSERT INTO meta(key, value) VALUES ('oldest_reader', '" + OLDEST_READER + "') "
                + "ON CONFLICT(key) DO UPDATE SET value = excluded.value WHERE CAST(value AS INTEGER) < " + OLDEST_READER);
    }

    /**
     * Moves the record of what central has not acknowledged ({@code unsentSql} lists those numbers,
     * from an older layout) to the cursor and ranges, in one transaction, and drops the outbox
     * table. Every number not listed, up to the journal's last, was acknowledged (or purged).
     */
    private static void moveToAckCursor(Statement statement, String unsentSql) throws SQLException {
        statement.execute("BEGIN IMMEDIATE");
        try {
            long through;
            try (java.sql.ResultSet row = statement.executeQuery("SELECT COALESCE((SELECT MIN(seq) FROM (" + unsentSql + ")) - 1, "
                    + "(SELECT COALESCE(MAX(seq), 0) FROM journal))")) {
                row.next();
                through = row.getLong(1);
            }
            // Acknowledged above the cursor: every gap between two unsent numbers, and what follows the
            // last of them. From the unsent numbers, not the journal's rows: older releases purged
            // acknowledged rows out of order, and a hole is acknowledged, not waiting.
            statement.execute("DELETE FROM acked_ahead");
            statement.execute("INSERT INTO acked_ahead(from_seq, to_seq) SELECT seq + 1, COALESCE(next - 1, (SELECT MAX(seq) FROM journal)) "
                    + "FROM (SELECT seq, LEAD(seq) OVER (ORDER BY seq) AS next FROM (" + unsentSql + ")) "
                    + "WHERE seq + 1 <= COALESCE(next - 1, (SELECT MAX(seq) FROM journal))");
            statement.execute("INSERT OR REPLACE INTO meta(key, value) VALUES ('" + SqliteOutbox.ACKED_THROUGH_KEY + "', '" + through + "')");
            statement.execute("DROP TABLE IF EXISTS outbox");
            statement.execute("COMMIT");
        } catch (SQLException e) {
            statement.execute("ROLLBACK");
            throw e;
        }
    }

    private static boolean metaHas(Statement statement, String key) throws SQLException {
        try (java.sql.ResultSet rows = statement.executeQuery("SELECT 1 FROM meta WHERE key = '" + key + "'")) {
            return rows.next();
        }
    }

    /** A number kept in meta; null when the key is not there. */
    private static Integer metaInt(Statement statement, String key) throws SQLException {
        try (java.sql.ResultSet rows = statement.executeQuery("SELECT value FROM meta WHERE key = '" + key + "'")) {
            if (!rows.next()) {
                return null;
            }
            try {
                return Integer.parseInt(rows.getString(1));
            } catch (NumberFormatException e) {
                throw new SQLException("meta " + key + " is not a number: '" + rows.getString(1) + "'");
            }
        }
    }
}
