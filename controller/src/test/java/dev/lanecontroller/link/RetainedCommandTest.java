package dev.lanecontroller.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lanecontroller.contract.CommandWire;
import dev.lanecontroller.core.LaneMode;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What docs/mqtt-contract.md says of retained commands, over a real broker: one published with the
 * retain flag while the lane is connected arrives as an ordinary command and is carried out (MQTT
 * clears the flag for an existing subscription); the broker's retained copy, delivered flagged at
 * the lane's next connect, is ignored unread.
 */
class RetainedCommandTest {
    @TempDir
    Path dir;

    @Test
    void aRetainedCommandActsOnceWhileConnectedAndItsRetainedCopyIsIgnoredAtTheNextConnect() throws Exception {
        try (TestBroker broker = TestBroker.start(dir.resolve("broker"));
             CentralConsumer central = new CentralConsumer(broker.uri(), "central-ops", "lc/v1/+/+/replies")) {
            String commandId = "c-" + UUID.randomUUID();
            try (LaneFixture lane = new LaneFixture(dir.resolve("lane"), broker.uri(), 120_000)) {
                // Connected and subscribed (connects counts a connection once its subscriptions and status are done): a
                // command published before the subscription would reach the lane as a retained copy, ignored by design.
                assertTrue(EventSyncTest.waitFor(() -> lane.link.link().connects() >= 1, 10_000), "the lane connected and subscribed");
                central.publish(lane.topics.commands(), CommandWire.sealed(commandId, LaneFixture.SITE, LaneFixture.LANE, "SET_MODE",
                        Instant.now(), "supervisor-3", Map.of("mode", "MANUAL"), "central-ops", lane.commandKey.getPrivate()), true);
                assertTrue(central.await(() -> central.on(lane.topics.replies()).size() >= 1, 10_000), "the command was answered");
                assertEquals("done", central.on(lane.topics.replies()).get(0).get("result").asText());
                assertTrue(EventSyncTest.waitFor(() -> lane.shell.state().mode() == LaneMode.MANUAL, 5_000), "and carried out");
            }
            // The lane connects again (a restart): the broker hands it the retained copy, flagged.
            try (LaneFixture lane = new LaneFixture(dir.resolve("lane"), broker.uri(), 120_000)) {
                assertTrue(EventSyncTest.waitFor(() -> lane.link.link().connects() >= 1, 10_000), "the lane connected again and subscribed");
                // A command after it on the same subscription: once it is answered, the retained one has come and gone.
                central.publish(lane.topics.commands(), CommandWire.sealed("c-" + UUID.randomUUID(), LaneFixture.SITE, LaneFixture.LANE,
                        "RELEASE", Instant.now(), "officer-17", Map.of(), "central-ops", lane.commandKey.getPrivate()), false);
                assertTrue(central.await(() -> central.on(lane.topics.replies()).size() >= 2, 10_000), "the later command was answered");
                JsonNode second = central.on(lane.topics.replies()).get(1);
                assertEquals("RELEASE", second.get("type").asText(), "the retained copy got no answer, so the next is the RELEASE's: "
                        + central.on(lane.topics.replies()));
                assertEquals(1, lane.events("COMMAND_RECEIVED").stream().filter(e -> e.payloadJson().contains(commandId)).count(),
                        "the retained copy was never taken in");
            }
        }
    }
}
