package dev.lanecontroller.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanecontroller.contract.EventWire;
import dev.lanecontroller.contract.Topics;
import dev.lanecontroller.core.Now;
import dev.lanecontroller.store.Database;
import dev.lanecontroller.store.EventDraft;
import dev.lanecontroller.store.FaultyJournal;
import dev.lanecontroller.store.SqliteJournal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EventSyncLogTest {
    @TempDir
    Path dir;

    /**
     * The sync tries a failing outbox again every second: an hour of read errors (a failing SD
     * card) wrote 3,600 error lines (found by the whole-lane simulation, issue 18). Now the 1st,
     * 10th, 100th, 1,000th ... and one line when it works again.
     */
    @Test
    void aDiskThatFailsForAnHourWritesAFewLinesNotThousands() {
        Logger logger = Logger.getLogger(EventSync.class.getName());
        List<LogRecord> records = new ArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                records.add(record);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        logger.addHandler(capture);
        long[] nowMs = {0};
        try (SqliteJournal inner = new SqliteJournal(Database.open(dir.resolve("lane.db")), "boot-1")) {
            FaultyJournal.Disk disk = new FaultyJournal.Disk();
            FaultyJournal journal = new FaultyJournal(inner, disk);
            journal.append(List.of(new EventDraft("PASSAGE", Map.of("n", 1), new Now(0, 1_800_000_000_000L, true))));
            Topics topics = Topics.lane("lc/v1", "site", "lane-01");
            EventSync sync = new EventSync(journal.outbox(), new EventWire("site", "lane-01", journal.outbox().journalId()), topics, 8,
                    () -> nowMs[0] * 1_000_000, false);
            List<byte[]> published = new ArrayList<>();
            sync.connected((topic, payload, qos, retained, done) -> {
                published.add(payload);
                done.accept(null);
            });
            disk.unreadable = true;
            for (int second = 0; second < 3_600; second++) {
                sync.step();
                nowMs[0] += 1_000;
            }
            long errors = records.stream().filter(record -> record.getMessage().contains("outbox read or mark failed")).count();
            assertEquals(4, errors, "the 1st, 10th, 100th and 1,000th failure of 3,600");
            assertTrue(records.stream().anyMatch(record -> record.getMessage().contains("(1000 in a row)")), "the count is said");
            disk.unreadable = false;
            sync.step();
            assertEquals(1, published.size(), "the event goes once the disk reads again");
            assertTrue(records.get(records.size() - 1).getMessage().contains("works again after 3600 failed steps"));
        } finally {
            logger.removeHandler(capture);
        }
    }
}
