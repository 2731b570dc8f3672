package dev.lanecontroller.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lanecontroller.core.Now;
import dev.lanecontroller.store.Database;
import dev.lanecontroller.store.EventDraft;
import dev.lanecontroller.store.JournalEntry;
import dev.lanecontroller.store.SqliteJournal;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `journal backlog` is what decommission.sh asks before it wipes a lane: 1 while central lacks events, 0 after. */
class JournalBacklogTest {
    @TempDir
    Path dir;

    @Test
    void exitsOneUntilCentralHasAcknowledgedEveryEvent() {
        Path db = dir.resolve("lane.db");
        List<JournalEntry> written;
        try (SqliteJournal journal = new SqliteJournal(Database.open(db), "test")) {
            written = journal.append(List.of(new EventDraft("PASSAGE", Map.of(), new Now(1, 1_000, true)),
                    new EventDraft("PASSAGE", Map.of(), new Now(2, 2_000, true))));
        }
        assertEquals(1, Main.execute("journal", "backlog", "--db", db.toString()));
        try (SqliteJournal journal = new SqliteJournal(Database.open(db), "test")) {
            journal.outbox().markSent(written.stream().map(JournalEntry::seq).toList());
        }
        assertEquals(0, Main.execute("journal", "backlog", "--db", db.toString()));
    }
}
