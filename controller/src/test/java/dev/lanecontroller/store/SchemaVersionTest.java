package dev.lanecontroller.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A release opens the databases it can use, moves old layouts on, and refuses one a newer release made unusable to it. */
class SchemaVersionTest {
    @TempDir
    Path dir;

    @Test
    void aDatabaseOfTheFirstLayoutIsMovedOnAndKeepsItsUnsentEvents() throws Exception {
        // What a schema-1 release left: no outbox, unsent events flagged in the journal, no oldest_reader.
        Database database = databaseAfter(
                "DROP TABLE outbox",
                "DELETE FROM meta WHERE key = 'oldest_reader'",
                "UPDATE meta SET value = '1' WHERE key = 'schema_version'",
                "INSERT INTO journal(seq, boot_id, mono_ms, wall_ms, clock_synced, type, payload, prev_hash, hash, sent) "
                        + "VALUES (1, 'b', 0, 0, 1, 'PASSAGE', '{}', '', 'h1', 1), (2, 'b', 0, 0, 1, 'PASSAGE', '{}', 'h1', 'h2', 0)");
        Database.open(database.file());
        assertEquals(String.valueOf(Schema.VERSION), query(database, "SELECT value FROM meta WHERE key = 'schema_version'"));
        assertEquals(String.valueOf(Schema.OLDEST_READER), query(database, "SELECT value FROM meta WHERE key = 'oldest_reader'"));
        assertEquals("2", query(database, "SELECT group_concat(seq) FROM outbox"), "the unsent event is still to be sent, the sent one is not");
    }

    @Test
    void aDatabaseANewerReleaseMadeUnreadableHereIsRefusedWithWhatToDo() throws Exception {
        Database database = databaseAfter(
                "UPDATE meta SET value = '" + (Schema.VERSION + 2) + "' WHERE key = 'schema_version'",
                "UPDATE meta SET value = '" + (Schema.VERSION + 1) + "' WHERE key = 'oldest_reader'");
        StoreException refused = assertThrows(StoreException.class, () -> Database.open(database.file()));
        assertTrue(refused.getMessage().contains("written by a newer release (schema " + (Schema.VERSION + 2)), refused.getMessage());
        assertTrue(refused.getMessage().contains("this release knows schema " + Schema.VERSION), refused.getMessage());
        assertEquals(String.valueOf(Schema.VERSION + 2), query(database, "SELECT value FROM meta WHERE key = 'schema_version'"),
                "the refusal changed nothing");
    }

    @Test
    void aNewerLayoutThatOlderReleasesMayStillUseOpensAndKeepsItsVersion() throws Exception {
        Database database = databaseAfter("UPDATE meta SET value = '" + (Schema.VERSION + 1) + "' WHERE key = 'schema_version'");
        Database.open(database.file());
        assertEquals(String.valueOf(Schema.VERSION + 1), query(database, "SELECT value FROM meta WHERE key = 'schema_version'"),
                "a rollback does not claim the older layout");
        assertEquals(String.valueOf(Schema.OLDEST_READER), query(database, "SELECT value FROM meta WHERE key = 'oldest_reader'"));
    }

    /** A database this release made, then changed as another release would have left it. */
    private Database databaseAfter(String... statements) throws SQLException {
        Database database = Database.open(dir.resolve("lane.db"));
        try (Connection connection = database.connect(); Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
        }
        return database;
    }

    private static String query(Database database, String sql) throws SQLException {
        try (Connection connection = database.connect(); Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
            return rows.next() ? rows.getString(1) : null;
        }
    }
}
