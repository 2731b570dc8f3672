package dev.lanecontroller.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanecontroller.core.Now;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The write-ahead log is copied back seldom, but surely: after its commit budget, by the journal's own thread. */
class JournalCheckpointTest {
    @TempDir
    Path dir;

    @Test
    void aNewDatabaseHasSmallPagesAndItsLogIsCopiedBackAfterItsCommitBudget() throws Exception {
        Path db = dir.resolve("lane.db");
        try (SqliteJournal journal = new SqliteJournal(Database.open(db), "checkpoint")) {
            long sizeBefore = Files.size(db);
            for (long i = 0; i < Checkpointer.COMMITS_MAX + 10; i++) {
                journal.append(List.of(new EventDraft("PASSAGE", Map.of("n", i), new Now(i, i, true))));
            }
            long deadline = System.nanoTime() + 15_000_000_000L;
            while (Files.size(db) == sizeBefore && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertTrue(Files.size(db) > sizeBefore, "the events reached the database file: " + Files.size(db) + " bytes, "
                    + sizeBefore + " before");
        }
        try (Connection connection = Database.open(db).connect(); Statement statement = connection.createStatement();
             ResultSet row = statement.executeQuery("PRAGMA page_size")) {
            row.next();
            assertEquals(Database.PAGE_BYTES, row.getInt(1));
        }
    }
}
