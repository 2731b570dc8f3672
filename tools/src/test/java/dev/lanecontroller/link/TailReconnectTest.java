package dev.lanecontroller.link;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanecontroller.store.Database;
import dev.lanecontroller.store.SqliteJournal;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A technician's {@code central tail} (a clean session) outlives a broker restart: Paho reconnects
 * it, but the broker forgot a clean session's subscriptions, so the tail must subscribe again.
 * Before, it reconnected and then printed nothing for ever.
 */
class TailReconnectTest {
    @TempDir
    Path dir;

    @Test
    void aTailWithACleanSessionFollowsTheLaneAgainAfterTheBrokerRestarts() throws Exception {
        try (TestBroker broker = TestBroker.start(dir.resolve("broker"));
             SqliteJournal journal = new SqliteJournal(Database.open(dir.resolve("lane.db")), "boot-1");
             TailProcess tail = new TailProcess("tail", "--broker", broker.uri(), "--allow-plain-tcp")) {
            assertTrue(tail.awaitFollowing(60_000), tail.describe());
            CentralLink link = LinkHarness.link(broker.uri(), journal, Inbound.NONE, 64);
            try {
                link.start();
                LinkHarness.append(journal, 5, "DECISION");
                link.sync().wake();
                assertTrue(EventSyncTest.waitFor(() -> tail.printed() >= 5, 60_000), "the tail follows the lane: " + tail.describe());

                broker.stop();
                broker.start();
                assertTrue(EventSyncTest.waitFor(link::isConnected, 60_000), "the lane is back");
                // The lane's events go on; those published before the tail subscribed again are not for it (clean session).
                assertTrue(EventSyncTest.waitFor(() -> {
                    LinkHarness.append(journal, 1, "DECISION");
                    link.sync().wake();
                    return tail.printed() > 5;
                }, 60_000), "the tail follows the lane after the restart: " + tail.describe());
            } finally {
                link.close();
            }
        }
    }
}
