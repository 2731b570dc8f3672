package dev.lanecontroller.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lanecontroller.cli.Main;
import dev.lanecontroller.core.Now;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The retention purge removes only acknowledged, old events, only from the start, and the chain still verifies. */
class JournalPurgeTest {
    @TempDir
    Path dir;

    @Test
    void onlyAnAcknowledgedOldPrefixGoesAndTheRestStillVerifies() {
        Path db = dir.resolve("lane.db");
        try (SqliteJournal journal = new SqliteJournal(Database.open(db), "purge")) {
            List<EventDraft> old = new ArrayList<>();
            for (int i = 0; i < 2_500; i++) {
                old.add(new EventDraft("PASSAGE", Map.of("n", i), new Now(i, 1_000L + i, true)));
            }
            journal.append(old);
            journal.append(List.of(new EventDraft("PASSAGE", Map.of(), new Now(9_000, 10_000_000L, true))));
            // Central acknowledged 1..2000 and 2101..2500; 2001..2100 are still waiting.
            List<Long> acked = new ArrayList<>();
            LongStream.rangeClosed(1, 2_000).forEach(acked::add);
            LongStream.rangeClosed(2_101, 2_501).forEach(acked::add);
            journal.outbox().markSent(acked);

            assertEquals(2_000, journal.purgeSentBefore(5_000_000L), "up to the first unacknowledged event, in batches");
            assertEquals(2_001, journal.outbox().firstSeq());
            assertEquals(100, journal.outbox().unsentCount());
            assertEquals(0, journal.purgeSentBefore(5_000_000L), "nothing more while 2001 waits");

            journal.outbox().markSent(new ArrayList<>(LongStream.rangeClosed(2_001, 2_100).boxed().toList()));
            assertEquals(500, journal.purgeSentBefore(5_000_000L), "then everything older than the cut-off");
            assertEquals(2_501, journal.outbox().firstSeq(), "the newer event stays");
            assertEquals(2_501, journal.lastSeq());
        }
        assertEquals(0, Main.execute("journal", "verify", "--db", db.toString()), "what is left is one unbroken chain");
    }
}
