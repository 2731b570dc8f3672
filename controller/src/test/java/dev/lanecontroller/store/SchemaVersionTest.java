package dev.lanecontroller.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A release opens the databases it can use, moves old layouts on, and refuses one a newer release made unusable to it. */
class SchemaVersionTest {
    @TempDir
    Path dir;

    @Test
    void aDatabaseOfTheFirstLayoutIsMovedOnAndKeepsItsUnsentEvents() throws Exception {
        Path file = dir.resolve("lane.db");
        Database database = Database.open(file);
        try (Connection connection = database.connect(); Statement statement = connection.createStatement()) {
            // What a schema-1 release left: no outbox, unsent events flagged in the journal, no oldest_reader.
            statement.execute("DROP TABLE outbox");
            statement.execute("DELETE FROM meta WHERE key = 'oldest_reader'");
            statement.execute("UPDATE meta SET value = '1' WHERE key = 'schema_version'");
            statement.execute("INSERT INTO journal(seq, boot_id, mono_ms, wall_ms, clock_synced, type, payload, prev_hash, hash, sent) "
                    + "VALUES (1, 'b', 0, 0, 1, 'PASSAGE', '{}', '', 'h1', 1), (2, 'b', 0, 0, 1, 'PASSAGE', '{}', 'h1', 'h2', 0)");
        }
        Database.open(file);
        try (Connection connection = database.connect(); Statement statement = connection.createStatement()) {
            assertEquals(String.valueOf(Schema.VERSION), meta(statement, "schema_version"));
            assertEquals(String.valueOf(Schema.OLDEST_READER), meta(statement, "oldest_reader"));
            try (ResultSet rows = statement.executeQuery("SELECT group_concat(seq) FROM outbox")) {
                rows.next();
                assertEquals("2", rows.getString(1), "the unsent event is still to be sent, the sent one is not");
            }
        }
    }

    @Test
    void aDatabaseANewerReleaseMadeUnreadableHereIsRefusedWithWhatToDo() throws Exception {
        Path file = dir.resolve("lane.db");
        Database database = Database.open(file);
        try (Connection connection = database.connect(); Statement statement = connection.createStatement()) {
            statement.execute("UPDATE meta SET value = '" + (Schema.VERSION + 2) + "' WHERE key = 'schema_version'");
            statement.execute("UPDATE meta SET value = '" + (Schema.VERSION + 1) + "' WHERE key = 'oldest_reader'");
        }
        StoreException refused = assertThrows(StoreException.class, () -> Database.open(file));
        assertTrue(refused.getMessage().contains("written by a newer release (schema " + (Schema.VERSION + 2)), refused.getMessage());
        assertTrue(refused.getMessage().contains("this release knows schema " + Schema.VERSION), refused.getMessage());
        try (Connection connection = database.connect(); Statement statement = connection.createStatement()) {
            assertEquals(String.valueOf(Schema.VERSION + 2), meta(statement, "schema_version"), "the refusal changed nothing");
        }
    }

    @Test
    void aNewerLayoutThatOlderReleasesMayStillUseOpensAndKeepsItsVersion() throws Exception {
        Path file = dir.resolve("lane.db");
        Database database = Database.open(file);
        try (Connection connection = database.connect(); Statement statement = connection.createStatement()) {
            statement.execute("UPDATE meta SET value = '" + (Schema.VERSION + 1) + "' WHERE key = 'schema_version'");
        }
        Database.open(file);
        try (Connection connection = database.connect(); Statement statement = connection.createStatement()) {
            assertEquals(String.valueOf(Schema.VERSION + 1), meta(statement, "schema_version"), "a rollback does not claim the older layout");
            assertEquals(String.valueOf(Schema.OLDEST_READER), meta(statement, "oldest_reader"));
        }
    }

    private static String meta(Statement statement, String key) throws Exception {
        try (ResultSet rows = statement.executeQuery("SELECT value FROM meta WHERE key = '" + key + "'")) {
            return rows.next() ? rows.getString(1) : null;
        }
    }
}
