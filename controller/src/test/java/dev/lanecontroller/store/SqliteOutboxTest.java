package dev.lanecontroller.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lanecontroller.core.Now;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The outbox over SQLite: acknowledgements out of order, skipped when reading, written down lazily and at a clean stop. */
class SqliteOutboxTest {
    @TempDir
    Path dir;

    private static List<Long> seqs(long from, long to) {
        return new ArrayList<>(LongStream.rangeClosed(from, to).boxed().toList());
    }

    private static void journal(SqliteJournal journal, int events) {
        List<EventDraft> drafts = new ArrayList<>();
        for (int i = 0; i < events; i++) {
            drafts.add(new EventDraft("PASSAGE", Map.of("n", i), new Now(i, 1_000L + i, true)));
        }
        journal.append(drafts);
    }

    @Test
    void whatWasAcknowledgedOutOfOrderIsSkippedAndCountedAndSurvivesACleanStop() {
        Path db = dir.resolve("lane.db");
        try (SqliteJournal journal = new SqliteJournal(Database.open(db), "outbox")) {
            journal(journal, 100);
            Outbox outbox = journal.outbox();
            assertEquals(100, outbox.unsentCount());
            assertEquals(1, outbox.oldestUnsentSeq());
            outbox.markSent(seqs(91, 100)); // live, ahead of the backlog
            outbox.markSent(seqs(1, 10));
            outbox.markSent(seqs(41, 50));
            assertEquals(70, outbox.unsentCount());
            assertEquals(11, outbox.oldestUnsentSeq());
            List<JournalEntry> unsent = outbox.unsent(0, 1_000);
            assertEquals(seqs(11, 40), unsent.subList(0, 30).stream().map(JournalEntry::seq).toList());
            assertEquals(seqs(51, 90), unsent.subList(30, 70).stream().map(JournalEntry::seq).toList());
            assertEquals(70, unsent.size());
            assertEquals(seqs(36, 40).subList(0, 5), outbox.unsent(35, 5).stream().map(JournalEntry::seq).toList(), "a page stops at its limit");
            assertEquals(List.of(51L, 52L), outbox.unsent(40, 2).stream().map(JournalEntry::seq).toList(), "an acknowledged run is skipped");
        }
        try (SqliteJournal journal = new SqliteJournal(Database.open(db), "again")) {
            Outbox outbox = journal.outbox();
            assertEquals(70, outbox.unsentCount(), "the clean stop wrote the acknowledgements down");
            assertEquals(11, outbox.oldestUnsentSeq());
            outbox.markSent(seqs(11, 90));
            assertEquals(0, outbox.unsentCount());
            assertEquals(0, outbox.oldestUnsentSeq());
            assertEquals(List.of(), outbox.unsent(0, 10));
        }
    }

    @Test
    void acknowledgementsThatStopComingAreWrittenDownOnceTheirIntervalHasPassed() throws Exception {
        Path db = dir.resolve("lane.db");
        java.util.concurrent.atomic.AtomicLong clockNs = new java.util.concurrent.atomic.AtomicLong(1_000_000_000L);
        try (SqliteJournal lane = new SqliteJournal(Database.open(db), "lane", clockNs::get)) {
            journal(lane, 20);
            lane.outbox().markSent(seqs(1, 5)); // written down at once: the first after a start
            lane.outbox().markSent(seqs(6, 20)); // then no more come
            assertEquals(15, unsentOnDisk(db), "held in memory for now");
            clockNs.addAndGet((SqliteOutbox.PERSIST_INTERVAL_MS + 1) * 1_000_000);
            // The journal's own housekeeping (the checkpointer's thread, every second) writes them down.
            long deadline = System.nanoTime() + 15_000_000_000L;
            while (unsentOnDisk(db) != 0 && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertEquals(0, unsentOnDisk(db), "written down without another acknowledgement coming");
        }
    }

    /** What a power cut now would leave: the backlog as written down, seen by another journal on the file. */
    private static long unsentOnDisk(Path db) {
        try (SqliteJournal onDisk = new SqliteJournal(Database.open(db), "look")) {
            return onDisk.outbox().unsentCount();
        }
    }

    @Test
    void aNumberNotJournaledYetIsNeverTakenForAcknowledged() {
        try (SqliteJournal journal = new SqliteJournal(Database.open(dir.resolve("lane.db")), "ahead")) {
            journal(journal, 5);
            journal.outbox().markSent(seqs(1, 8));
            journal(journal, 5);
            assertEquals(List.of(6L, 7L, 8L, 9L, 10L), journal.outbox().unsent(0, 100).stream().map(JournalEntry::seq).toList());
            assertEquals(5, journal.outbox().unsentCount());
        }
    }

    @Test
    void acknowledgementsStayInMemoryUntilDueSoALostOneOnlySendsItsEventAgain() {
        Path db = dir.resolve("lane.db");
        try (SqliteJournal lane = new SqliteJournal(Database.open(db), "lane")) {
            journal(lane, 30);
            lane.outbox().markSent(seqs(1, 10));
            try (SqliteJournal onDisk = new SqliteJournal(Database.open(db), "look")) {
                assertEquals(20, onDisk.outbox().unsentCount(), "the first acknowledgements after a start are written down at once");
            }
            lane.outbox().markSent(seqs(11, 30));
            assertEquals(0, lane.outbox().unsentCount());
            // What a power cut now would leave: nothing of those acknowledgements on disk.
            try (SqliteJournal onDisk = new SqliteJournal(Database.open(db), "look")) {
                assertEquals(20, onDisk.outbox().unsentCount(), "not written down yet: these would be sent again");
            }
            journal(lane, SqliteOutbox.PERSIST_ACKS_MAX);
            lane.outbox().markSent(seqs(31, 30 + SqliteOutbox.PERSIST_ACKS_MAX)); // many at once are written down at once
            try (SqliteJournal onDisk = new SqliteJournal(Database.open(db), "look")) {
                assertEquals(0, onDisk.outbox().unsentCount());
            }
        }
    }
}
