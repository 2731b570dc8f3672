package dev.lanecontroller.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lanecontroller.core.LaneInput;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An alert goes to `alerts` once, when it happens; a REPLAY of it comes on `events` only (before,
 * every replay of an alert copied it to `alerts` again: 304 of 320 alert messages in one run).
 */
class ReplayAlertsTest {
    @TempDir
    Path dir;

    @Test
    void aReplayedAlertComesOnEventsOnlyNotOnAlertsAgain() throws Exception {
        try (TestBroker broker = TestBroker.start(dir.resolve("broker"));
             LaneFixture lane = new LaneFixture(dir.resolve("lane"), broker.uri(), 120_000);
             CentralConsumer central = new CentralConsumer(broker.uri(), "central-ops", "lc/v1/+/+/alerts", "lc/v1/+/+/events")) {
            assertTrue(EventSyncTest.waitFor(() -> lane.link.link().connects() >= 1, 10_000), "the lane connected");
            lane.inbox.offer(new LaneInput.TamperChanged(true)); // the cabinet door opens: a TAMPER alert
            assertTrue(central.await(() -> central.on(lane.topics.alerts()).size() == 1, 10_000), "the alert came on alerts");
            long tamperSeq = central.on(lane.topics.alerts()).get(0).get("seq").asLong();
            long lastSeq = lane.journal.lastSeq();
            assertTrue(lane.link.link().sync().requestReplay(tamperSeq, tamperSeq).queued());
            assertTrue(central.await(() -> replayed(central.arrivals(), tamperSeq), 10_000), "the alert replayed on events");
            // Another replay after it: once that has come, anything the first sent has come too.
            assertTrue(lane.link.link().sync().requestReplay(1, 1).queued());
            assertTrue(central.await(() -> replayed(central.arrivals(), 1), 10_000), "the second replay came");
            assertEquals(1, central.on(lane.topics.alerts()).size(), "before: the replay copied the alert to alerts again; journal up to "
                    + lastSeq);
        }
    }

    private static boolean replayed(List<JsonNode> events, long seq) {
        return events.stream().anyMatch(e -> e.get("seq").asLong() == seq && e.get("delivery").asText().equals("replay"));
    }
}
