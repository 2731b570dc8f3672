package dev.lanecontroller.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
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
             CentralConsumer central = new CentralConsumer(broker.uri(), "central-crash", "lc/v1/+/+/events", "lc/v1/+/+/status")) {
            Path config = dir.resolve("lane.yaml");
            Files.writeString(config, Files.readString(Path.of("..", "config", "lane.yaml"))
                    .replace("../lane-data/lane.db", "data/lane.db").replace("vehiclesPerHour: 600", "vehiclesPerHour: 3600")
                    + "central:\n  broker: " + broker.uri() + "\n  allowPlainTcp: true\n  site: crash-site\n  inFlightWindow: 32\n"
                    + "  reconnectMinMs: 50\n  reconnectMaxMs: 500\n");
            Process first = LinkHarness.daemon(config, config.resolveSibling("daemon-" + System.nanoTime() + ".log"));
            assertTrue(central.await(() -> central.distinctEvents() >= 2_000, 60_000), "the drain started");
            String statusTopic = "lc/v1/crash-site/lane-01/status";
            assertEquals("online", central.on(statusTopic).get(0).get("state").asText(), "a retained status on connect");
            JsonNode online = central.on(statusTopic).get(0);
            assertEquals("AUTOMATED", online.get("mode").asText());
            assertEquals("NEXUS", online.get("lists").get(0).get("program").asText());
            assertTrue(online.get("journal").get("unsent").asLong() > 0, "the backlog shows in the status");
            first.destroyForcibly(); // SIGKILL: no shutdown hook, no goodbye, nothing flushed
            assertTrue(first.waitFor(10, TimeUnit.SECONDS));
            assertTrue(central.await(() -> last(central, statusTopic).get("state").asText().equals("offline"), 30_000),
                    "the broker published the last will");
            assertEquals("connection lost", last(central, statusTopic).get("reason").asText());
            int beforeRestart = central.distinctEvents();
            assertTrue(beforeRestart < backlog, "killed mid-backlog (" + beforeRestart + " of " + backlog + " had arrived)");

            Process second = LinkHarness.daemon(config, config.resolveSibling("daemon-" + System.nanoTime() + ".log"));
            long[] last = new long[1];
            boolean drained = central.await(() -> central.distinctEvents() > backlog, 120_000);
            new ProcessBuilder("kill", "-TERM", Long.toString(second.pid())).start().waitFor();
            assertTrue(second.waitFor(30, TimeUnit.SECONDS), "the daemon stopped on SIGTERM");
            assertTrue(central.await(() -> last(central, statusTopic).path("reason").asText().equals("stopped"), 10_000),
                    "a clean stop says so in the retained status");
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

    private static JsonNode last(CentralConsumer central, String topic) {
        var messages = central.on(topic);
        return messages.isEmpty() ? com.fasterxml.jackson.databind.node.MissingNode.getInstance() : messages.get(messages.size() - 1);
    }
}
