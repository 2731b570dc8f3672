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

/** Events reach central, over a real broker, whatever happens to the broker in between. */
class EventSyncTest {
    @TempDir
    Path dir;

    @Test
    void everyEventArrivesInOrderAfterTheBrokerWasDownUnderSteadyTraffic() throws Exception {
        try (TestBroker broker = TestBroker.start(dir.resolve("broker"));
             SqliteJournal journal = new SqliteJournal(Database.open(dir.resolve("lane.db")), "boot-1");
             CentralConsumer central = new CentralConsumer(broker.uri(), "central-events", "lc/v1/+/+/events")) {
            CentralLink link = LinkHarness.link(broker.uri(), journal, Inbound.NONE, 64);
            link.start();
            try (LinkHarness.SteadyTraffic traffic = new LinkHarness.SteadyTraffic(journal, link, 5)) {
                // Each phase lasts its time and has at least its 100 events, however loaded the machine.
                sleep(1_500);
                assertTrue(traffic.awaitMore(100, 60_000), "traffic before the outage");
                broker.stop();
                sleep(2_000);
                assertTrue(traffic.awaitMore(100, 60_000), "traffic while the broker was down");
                broker.start();
                sleep(1_500);
                assertTrue(traffic.awaitMore(100, 60_000), "traffic after the broker came back");
            }
            long last = journal.lastSeq();
            assertTrue(waitFor(() -> journal.outbox().unsentCount() == 0, 60_000), "the broker acknowledged every event");
            central.await(() -> central.distinctEvents() == last, 10_000);
            // A broker stopped right after acknowledging a message may lose it before it reaches a
            // subscriber's queue. The lane has nothing left to send, so, as the
            // contract says, central asks for what is missing again.
            List<Long> lostByBroker = central.missing(last);
            LinkHarness.replayMissing(link, lostByBroker);
            boolean all = central.await(() -> central.distinctEvents() == last, 60_000);
            assertTrue(all, "missing after the outage and a replay: " + central.missing(last).size() + " of " + last + " on "
                    + broker.name() + "; lane connects " + link.connects() + ", consumer connected " + central.isConnected());
            assertTrue(lostByBroker.size() <= 16, lostByBroker.size() + " events lost by the broker: more than a stop can explain");
            assertTrue(central.chainIntact(), "the hash chain of the received events is broken");
            link.close();
            assertTrue(last > 300, "steady traffic produced " + last + " events");
        }
    }

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
