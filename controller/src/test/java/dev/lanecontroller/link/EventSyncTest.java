package dev.lanecontroller.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lanecontroller.store.Database;
import dev.lanecontroller.store.SqliteJournal;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Events reach central over a real broker: holes asked for beyond what the lane queues at once,
 * and a drain of 100,000 with live events overtaking it (the real client's throughput and order).
 * What the broker does in between (down under traffic, duplicates, losses, a lane's power cut) is
 * the seeded simulations' (EventSyncSimulationTest, WholeLaneSimulationTest) and, with Mosquitto
 * itself stopped, killed and frozen, BrokerFaultCampaignTest's; the sleep-paced "broker down under
 * steady traffic" test that was here went for that (issue 18).
 */
class EventSyncTest {
    @TempDir
    Path dir;

    @Test
    void centralGetsEveryHoleItAsksForEvenMoreThanTheLaneQueuesAtOnce() throws Exception {
        try (TestBroker broker = TestBroker.start(dir.resolve("broker"));
             SqliteJournal journal = new SqliteJournal(Database.open(dir.resolve("lane.db")), "boot-1");
             CentralConsumer central = new CentralConsumer(broker.uri(), "central-holes", "lc/v1/+/+/events")) {
            LinkHarness.append(journal, 200, "PASSAGE");
            CentralLink link = LinkHarness.link(broker.uri(), journal, Inbound.NONE, 64);
            link.start();
            assertTrue(central.await(() -> central.distinctEvents() == 200, 30_000), "the events arrived");
            // Forty separate holes: more runs than the lane queues at once (EventSync.REPLAYS_QUEUED_MAX).
            List<Long> holes = java.util.stream.LongStream.rangeClosed(1, 40).map(n -> 2 * n).boxed().toList();
            LinkHarness.replayMissing(link, holes);
            assertTrue(central.await(() -> central.duplicates() >= holes.size(), 30_000), "every hole sent again: " + central.duplicates());
            link.close();
        }
    }

    @Test
    void aBacklogOf100000DrainsCompletelyAndLiveEventsOvertakeIt() throws Exception {
        int backlog = 100_000;
        try (TestBroker broker = TestBroker.start(dir.resolve("broker"));
             SqliteJournal journal = new SqliteJournal(Database.open(dir.resolve("lane.db")), "boot-1");
             CentralConsumer central = new CentralConsumer(broker.uri(), "central-drain", "lc/v1/+/+/events")) {
            for (int i = 0; i < backlog / 1_000; i++) {
                LinkHarness.append(journal, 1_000, "PASSAGE");
            }
            CentralLink link = LinkHarness.link(broker.uri(), journal, Inbound.NONE, 256);
            link.start();
            assertTrue(central.await(() -> central.distinctEvents() > 2_000, 30_000), "the drain started");
            int live = 0;
            while (central.distinctEvents() < backlog * 0.8 && live < 50) {
                LinkHarness.append(journal, 1, "DECISION");
                link.sync().wake();
                live++;
                sleep(20);
            }
            long last = journal.lastSeq();
            assertTrue(central.await(() -> central.distinctEvents() == last, 120_000),
                    "missing after the drain: " + central.missing(last).size());
            List<JsonNode> arrivals = central.arrivals();
            int lastBacklogArrival = 0;
            int lastLiveArrival = 0;
            for (int i = 0; i < arrivals.size(); i++) {
                long seq = arrivals.get(i).get("seq").asLong();
                if (seq <= backlog) {
                    lastBacklogArrival = i;
                } else {
                    lastLiveArrival = i;
                    assertEquals("live", arrivals.get(i).get("delivery").asText(), "event " + seq + " was produced during the drain");
                }
            }
            assertTrue(live > 0, "live events were produced during the drain");
            assertTrue(lastLiveArrival < lastBacklogArrival, "every live event arrived before the backlog was through");
            assertTrue(central.chainIntact());
            link.close();
        }
    }

    static boolean waitFor(java.util.function.BooleanSupplier condition, long timeoutMs) {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (!condition.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) {
                return false;
            }
            sleep(20);
        }
        return true;
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
