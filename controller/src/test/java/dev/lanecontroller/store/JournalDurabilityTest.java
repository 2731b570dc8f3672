package dev.lanecontroller.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanecontroller.core.Now;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** kill -9 of a journaling JVM loses nothing that was acted on, and sequence numbers never repeat. */
class JournalDurabilityTest {
    @TempDir
    Path dir;

    @Test
    void everyActedOnEventSurvivesKillNineAndTheSequenceContinues() throws Exception {
        Path db = dir.resolve("lane.db");
        long lastActuated = 0;
        for (int round = 0; round < 3; round++) {
            Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                    System.getProperty("java.class.path"), JournalCrashChild.class.getName(), db.toString(), "boot-" + round)
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            long roundLast = 0;
            try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                int seen = 0;
                while ((line = out.readLine()) != null && seen++ < 150 + round * 37) {
                    roundLast = Long.parseLong(line.substring("ACTUATED ".length()));
                }
                child.destroyForcibly(); // SIGKILL on Linux: no shutdown hook, no close
                child.waitFor();
            }
            assertTrue(roundLast > lastActuated, "sequence numbers went on from the last run");
            lastActuated = roundLast;
            try (SqliteJournal journal = new SqliteJournal(Database.open(db), "check")) {
                assertTrue(journal.lastSeq() >= lastActuated, "seq " + lastActuated + " was acted on but is not in the journal");
                List<JournalEntry> all = journal.read(0, SqliteJournal.READ_LIMIT_MAX);
                String prev = EventChain.GENESIS_HASH;
                for (int i = 0; i < all.size(); i++) {
                    assertEquals(i + 1, all.get(i).seq(), "no hole, no reuse");
                    assertEquals(prev, all.get(i).prevHash(), "the hash chain is unbroken across crashes");
                    assertEquals(EventChain.hashOf(all.get(i)), all.get(i).hash());
                    prev = all.get(i).hash();
                }
            }
        }
        try (SqliteJournal journal = new SqliteJournal(Database.open(db), "after")) {
            long before = journal.lastSeq();
            JournalEntry next = journal.append(List.of(new EventDraft("LANE_STARTED", Map.of(), new Now(1, 1, false)))).get(0);
            assertEquals(before + 1, next.seq());
        }
    }
}
