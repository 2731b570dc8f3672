package dev.lanecontroller.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanecontroller.cli.Main;
import dev.lanecontroller.store.Database;
import dev.lanecontroller.store.SqliteJournal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daemon, killed with SIGKILL while it drains a backlog, starts again and central still gets
 * every event: the outbox is the journal, and only a PUBACK marks an event sent.
 */
class DaemonCrashSyncTest {
    @TempDir
    Path dir;

    @Test
    void everyEventArrivesAfterTheDaemonIsKilledMidBacklog() throws Exception {
        int backlog = 30_000;
        Path db = dir.resolve("data/lane.db");
        try (SqliteJournal journal = new SqliteJournal(Database.open(db), "before")) {
            for (int i = 0; i < backlog / 1_000; i++) {
                LinkHarness.append(journal, 1_000, "PASSAGE");
            }
        }
        try (TestBroker broker = TestBroker.start(dir.resolve("broker"));
             CentralConsumer central = new CentralConsumer(broker.uri(), "central-crash", "lc/v1/+/+/events")) {
            Path config = dir.resolve("lane.yaml");
            Files.writeString(config, Files.readString(Path.of("..", "config", "lane.yaml"))
                    .replace("../lane-data/lane.db", "data/lane.db").replace("vehiclesPerHour: 600", "vehiclesPerHour: 3600")
                    + "central:\n  broker: " + broker.uri() + "\n  allowPlainTcp: true\n  site: crash-site\n  inFlightWindow: 32\n"
                    + "  reconnectMinMs: 50\n  reconnectMaxMs: 500\n");
            Process first = daemon(config);
            assertTrue(central.await(() -> central.distinctEvents() >= 2_000, 60_000), "the drain started");
            first.destroyForcibly(); // SIGKILL: no shutdown hook, no goodbye, nothing flushed
            assertTrue(first.waitFor(10, TimeUnit.SECONDS));
            int beforeRestart = central.distinctEvents();
            assertTrue(beforeRestart < backlog, "killed mid-backlog (" + beforeRestart + " of " + backlog + " had arrived)");

            Process second = daemon(config);
            long[] last = new long[1];
            boolean drained = central.await(() -> central.distinctEvents() > backlog, 120_000);
            new ProcessBuilder("kill", "-TERM", Long.toString(second.pid())).start().waitFor();
            assertTrue(second.waitFor(30, TimeUnit.SECONDS), "the daemon stopped on SIGTERM");
            try (SqliteJournal journal = new SqliteJournal(Database.open(db), "check")) {
                last[0] = journal.lastSeq();
            }
            assertTrue(drained, "the backlog drained after the restart");
            assertTrue(central.await(() -> central.distinctEvents() == last[0], 30_000),
                    "missing: " + central.missing(last[0]) + " of " + last[0]);
            assertTrue(central.chainIntact(), "the received events chain up, one after the other");
            assertEquals(0, Main.execute("journal", "verify", "--db", db.toString()));
        }
    }

    private static Process daemon(Path config) throws Exception {
        return new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), Main.class.getName(), "run", "--config", config.toString())
                .redirectErrorStream(true).redirectOutput(config.resolveSibling("daemon-" + System.nanoTime() + ".log").toFile()).start();
    }
}
