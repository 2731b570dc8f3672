package dev.lanecontroller.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanecontroller.core.Now;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SQLite outbox against a plain set of acknowledged numbers, seeded: acknowledgements in any
 * order, clean restarts, purges, and migrations from random outboxes of layout 2 (stale cursor
 * rows left by a rollback included). Nothing unacknowledged is ever skipped, miscounted or purged.
 */
class OutboxModelTest {
    @TempDir
    Path dir;

    private static void journal(SqliteJournal journal, int events) {
        List<EventDraft> drafts = new ArrayList<>();
        for (int i = 0; i < events; i++) {
            drafts.add(new EventDraft("PASSAGE", Map.of("n", i), new Now(i, 1_000, true)));
        }
        journal.append(drafts);
    }

    private static void agrees(Outbox outbox, BitSet acked, long last, Random random, String where) {
        long count = 0;
        long oldest = 0;
        for (long seq = 1; seq <= last; seq++) {
            if (!acked.get((int) seq)) {
                count++;
                oldest = oldest == 0 ? seq : oldest;
            }
        }
        assertEquals(count, outbox.unsentCount(), where + ": unsent count");
        assertEquals(oldest, outbox.oldestUnsentSeq(), where + ": oldest unsent");
        for (int probe = 0; probe < 5; probe++) {
            long after = random.nextInt((int) last + 2);
            int limit = 1 + random.nextInt(50);
            List<Long> expected = new ArrayList<>();
            for (long seq = after + 1; seq <= last && expected.size() < limit; seq++) {
                if (!acked.get((int) seq)) {
                    expected.add(seq);
                }
            }
            assertEquals(expected, outbox.unsent(after, limit).stream().map(JournalEntry::seq).toList(),
                    where + ": unsent(" + after + ", " + limit + ")");
        }
    }

    @Test
    void agreesWithASetOfAcknowledgedNumbersAcrossRestartsAndPurges() throws Exception {
        for (int seed = 1; seed <= 10; seed++) {
            Random random = new Random(seed);
            Path db = dir.resolve("model-" + seed + ".db");
            BitSet acked = new BitSet();
            long last = 0;
            for (int life = 0; life < 4; life++) {
                try (SqliteJournal journal = new SqliteJournal(Database.open(db), "life-" + life)) {
                    Outbox outbox = journal.outbox();
                    agrees(outbox, acked, last, random, "seed " + seed + ", start " + life);
                    for (int step = 0; step < 40; step++) {
                        int events = 1 + random.nextInt(8);
                        journal(journal, events);
                        last += events;
                        List<Long> acknowledged = new ArrayList<>();
                        for (int run = random.nextInt(6); run > 0; run--) {
                            long from = 1 + random.nextInt((int) last);
                            for (long seq = from; seq <= Math.min(last, from + random.nextInt(5)); seq++) {
                                acknowledged.add(seq);
                                acked.set((int) seq);
                            }
                        }
                        Collections.shuffle(acknowledged, random);
                        outbox.markSent(acknowledged);
                        String where = "seed " + seed + ", start " + life + ", step " + step;
                        agrees(outbox, acked, last, random, where);
                        if (random.nextInt(10) == 0) {
                            journal.purgeSentBefore(Long.MAX_VALUE);
                            for (long seq = 1; seq < firstSeq(db); seq++) {
                                assertTrue(acked.get((int) seq), where + ": " + seq + " purged unacknowledged");
                            }
                        }
                    }
                }
            }
        }
    }

    @Test
    void aMigrationFromAnyOutboxKeepsExactlyItsEventsUnsent() throws Exception {
        for (int seed = 1; seed <= 20; seed++) {
            Random random = new Random(seed);
            Path db = dir.resolve("migration-" + seed + ".db");
            int events = 1 + random.nextInt(200);
            try (SqliteJournal journal = new SqliteJournal(Database.open(db), "before")) {
                journal(journal, events);
                List<Long> acknowledged = new ArrayList<>();
                for (long seq = 1; seq <= events; seq++) {
                    if (random.nextInt(3) == 0) {
                        acknowledged.add(seq);
                    }
                }
                journal.outbox().markSent(acknowledged); // the cursor rows a rollback leaves behind, stale
            }
            BitSet acked = new BitSet();
            try (Connection connection = Database.open(db).connect(); Statement statement = connection.createStatement()) {
                statement.execute("CREATE TABLE outbox (seq INTEGER PRIMARY KEY)");
                for (int seq = 1; seq <= events; seq++) {
                    if (random.nextBoolean()) {
                        statement.execute("INSERT INTO outbox VALUES (" + seq + ")");
                    } else {
                        acked.set(seq);
                    }
                }
                if (random.nextBoolean()) {
                    statement.execute("DELETE FROM meta WHERE key = 'acked_through'");
                }
            }
            try (SqliteJournal journal = new SqliteJournal(Database.open(db), "after")) {
                agrees(journal.outbox(), acked, events, random, "seed " + seed);
            }
        }
    }

    private static long firstSeq(Path db) throws Exception {
        try (Connection connection = Database.open(db).connect(); Statement statement = connection.createStatement();
             ResultSet row = statement.executeQuery("SELECT COALESCE(MIN(seq), 0) FROM journal")) {
            row.next();
            return row.getLong(1);
        }
    }
}
