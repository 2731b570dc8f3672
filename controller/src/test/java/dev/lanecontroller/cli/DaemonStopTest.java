package dev.lanecontroller.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanecontroller.store.Database;
import dev.lanecontroller.store.JournalEntry;
import dev.lanecontroller.store.SqliteJournal;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's first command: the daemon runs traffic on simulated hardware and stops cleanly on SIGTERM. */
class DaemonStopTest {
    @TempDir
    Path dir;

    @Test
    void theDaemonDecidesTrafficAndStopsCleanlyOnSigterm() throws Exception {
        Path config = dir.resolve("lane.yaml");
        Files.writeString(config, Files.readString(Path.of("..", "config", "lane.yaml"))
                .replace("../lane-data/lane.db", "data/lane.db").replace("vehiclesPerHour: 600", "vehiclesPerHour: 3600"));
        Process daemon = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), Main.class.getName(), "run", "--config", config.toString())
                .redirectErrorStream(true).start();
        StringBuilder output = new StringBuilder();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(daemon.getInputStream(), StandardCharsets.UTF_8))) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            String line;
            while (System.nanoTime() < deadline && (line = out.readLine()) != null) {
                output.append(line).append('\n');
                if (line.contains("PASSAGE")) {
                    break;
                }
            }
            // SIGTERM, as systemd sends it (Process.destroy would also close our end of its output).
            new ProcessBuilder("kill", "-TERM", Long.toString(daemon.pid())).start().waitFor();
            while ((line = out.readLine()) != null) {
                output.append(line).append('\n');
            }
        }
        assertTrue(daemon.waitFor(30, TimeUnit.SECONDS), "the daemon did not stop on SIGTERM");
        assertTrue(output.toString().contains("PASSAGE"), "no vehicle went through:\n" + output);
        assertTrue(output.toString().contains("stopped:"), "no clean stop:\n" + output);
        Path db = dir.resolve("data/lane.db");
        try (SqliteJournal journal = new SqliteJournal(Database.open(db), "check")) {
            List<JournalEntry> last = journal.read(journal.lastSeq() - 1, 1);
            assertEquals("LANE_STOPPED", last.get(0).type(), "the journal ends with the clean stop");
        }
        assertEquals(0, Main.execute("journal", "verify", "--db", db.toString()));
    }
}
