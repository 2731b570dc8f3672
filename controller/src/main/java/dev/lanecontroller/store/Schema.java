package dev.lanecontroller.store;

import java.sql.SQLException;
import java.sql.Statement;

/** The tables every database has; card tables come and go with list versions (see ClearanceStore). */
final class Schema {
    private Schema() {}

    private static boolean exists(Statement statement, String table) throws SQLException {
        try (java.sql.ResultSet rows = statement.executeQuery("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '" + table + "'")) {
            return rows.next();
        }
    }

    static void create(Statement statement) throws SQLException {
        statement.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)");
        statement.execute("INSERT OR IGNORE INTO meta(key, value) VALUES ('schema_version', '1')");
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
        // What central has not acknowledged yet: a narrow table of sequence numbers, so marking a
        // drained backlog sent deletes a few small pages instead of rewriting every event row.
        // (journal.sent is from schema 1 and no longer written.)
        statement.execute("DROP INDEX IF EXISTS journal_unsent");
        boolean migrate = !exists(statement, "outbox");
        statement.execute("CREATE TABLE IF NOT EXISTS outbox (seq INTEGER PRIMARY KEY)");
        if (migrate) {
            statement.execute("INSERT OR IGNORE INTO outbox(seq) SELECT seq FROM journal WHERE sent = 0");
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
    }
}
