package dev.lanecontroller.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
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
                "DROP TABLE acked_ahead",
                "DELETE FROM meta WHERE key IN ('oldest_reader', 'acked_through')",
                "UPDATE meta SET value = '1' WHERE key = 'schema_version'",
                "INSERT INTO journal(seq, boot_id, mono_ms, wall_ms, clock_synced, type, payload, prev_hash, hash, sent) "
                        + "VALUES (1, 'b', 0, 0, 1, 'PASSAGE', '{}', '', 'h1', 1), (2, 'b', 0, 0, 1, 'PASSAGE', '{}', 'h1', 'h2', 0)");
        Database.open(database.file());
        assertEquals(String.valueOf(Schema.VERSION), query(database, "SELECT value FROM meta WHERE key = 'schema_version'"));
        assertEquals(String.valueOf(Schema.OLDEST_READER), query(database, "SELECT value FROM meta WHERE key = 'oldest_reader'"));
        assertEquals(List.of(2L), unsent(database), "the unsent event is still to be sent, the sent one is not");
    }

    @Test
    void aDatabaseOfTheOutboxLayoutIsMovedOnAndKeepsItsUnsentEventsWhateverTheirOrder() throws Exception {
        // What a schema-2 release left: the unsent events' numbers in an outbox table.
        StringBuilder rows = new StringBuilder();
        for (int seq = 1; seq <= 9; seq++) {
            rows.append(seq == 1 ? "" : ", ").append("(").append(seq).append(", 'b', 0, 0, 1, 'PASSAGE', '{}', 'p', 'h')");
        }
        Database database = databaseAfter(
                "DROP TABLE acked_ahead",
                "DELETE FROM meta WHERE key = 'acked_through'",
                "UPDATE meta SET value = '2' WHERE key IN ('schema_version', 'oldest_reader')",
                "CREATE TABLE outbox (seq INTEGER PRIMARY KEY)",
                "INSERT INTO journal(seq, boot_id, mono_ms, wall_ms, clock_synced, type, payload, prev_hash, hash) VALUES " + rows,
                "INSERT INTO outbox(seq) VALUES (3), (4), (6), (9)");
        Database.open(database.file());
        assertEquals(null, query(database, "SELECT name FROM sqlite_master WHERE name = 'outbox'"), "the outbox table is gone");
        assertEquals(List.of(3L, 4L, 6L, 9L), unsent(database));
    }

    @Test
    void holesAnOlderPurgeLeftInTheJournalAreNotTakenForUnsentEvents() throws Exception {
        // Releases of layout 1 and 2 purged any old acknowledged row, not only a prefix: 5 waits, 6..8 are gone, 9..10 were acknowledged.
        Database database = databaseAfter(
                "DROP TABLE acked_ahead",
                "DELETE FROM meta WHERE key = 'acked_through'",
                "UPDATE meta SET value = '2' WHERE key IN ('schema_version', 'oldest_reader')",
                "CREATE TABLE outbox (seq INTEGER PRIMARY KEY)",
                "INSERT INTO journal(seq, boot_id, mono_ms, wall_ms, clock_synced, type, payload, prev_hash, hash) VALUES "
                        + "(5, 'b', 0, 0, 1, 'PASSAGE', '{}', 'p', 'h'), (9, 'b', 0, 0, 1, 'PASSAGE', '{}', 'p', 'h'), "
                        + "(10, 'b', 0, 0, 1, 'PASSAGE', '{}', 'p', 'h')",
                "INSERT INTO outbox(seq) VALUES (5)");
        Database.open(database.file());
        assertEquals(List.of(5L), unsent(database));
        try (SqliteJournal journal = new SqliteJournal(database, "look")) {
            journal.outbox().markSent(List.of(5L));
            assertEquals(0, journal.outbox().unsentCount(), "once 5 is acknowledged, nothing waits");
            assertEquals(0, journal.outbox().oldestUnsentSeq());
            assertEquals(2, journal.purgeSentBefore(Long.MAX_VALUE), "and the purge goes on up to the newest event (5 and 9)");
        }
    }

    @Test
    void aRollbackToTheOutboxLayoutAndBackSendsAgainButLosesNothing() throws Exception {
        Database database = Database.open(dir.resolve("lane.db"));
        try (SqliteJournal journal = new SqliteJournal(database, "new")) {
            for (int i = 0; i < 6; i++) {
                journal.append(List.of(new EventDraft("PASSAGE", java.util.Map.of("n", i), new dev.lanecontroller.core.Now(i, i, true))));
            }
            journal.outbox().markSent(List.of(1L, 2L, 3L, 5L));
        }
        // The release of layout 2 opens it (its own Schema.create, verbatim): no outbox table, so every
        // event whose sent flag is 0 (all of them: the flag is not written since layout 1) goes in.
        try (Connection connection = database.connect(); Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE IF NOT EXISTS outbox (seq INTEGER PRIMARY KEY)");
            statement.execute("INSERT OR IGNORE INTO outbox(seq) SELECT seq FROM journal WHERE sent = 0");
            assertEquals("6", query(database, "SELECT COUNT(*) FROM outbox"), "everything goes again: nothing is lost");
            // It journals an event of its own (and its outbox row), and central acknowledges 1..4.
            statement.execute("INSERT INTO journal(seq, boot_id, mono_ms, wall_ms, clock_synced, type, payload, prev_hash, hash) "
                    + "VALUES (7, 'old', 0, 0, 1, 'PASSAGE', '{}', 'p', 'h')");
            statement.execute("INSERT INTO outbox(seq) VALUES (7)");
            statement.execute("DELETE FROM outbox WHERE seq BETWEEN 1 AND 4");
        }
        Database.open(database.file()); // this release again
        assertEquals(List.of(5L, 6L, 7L), unsent(database), "the outbox the older release left is what stands");
    }

    /** What the outbox of a journal on this database holds. */
    private static List<Long> unsent(Database database) {
        try (SqliteJournal journal = new SqliteJournal(database, "look")) {
            assertEquals(journal.outbox().unsent(0, 100).size(), journal.outbox().unsentCount());
            return journal.outbox().unsent(0, 100).stream().map(JournalEntry::seq).toList();
        }
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
