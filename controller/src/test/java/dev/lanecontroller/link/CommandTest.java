package dev.lanecontroller.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lanecontroller.contract.CommandWire;
import dev.lanecontroller.contract.SignedEnvelope;
import dev.lanecontroller.core.LaneMode;
import dev.lanecontroller.pki.Ed25519Keys;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Signed commands over a real broker: each kind of bad command gets its reply and changes nothing. */
class CommandTest {
    @TempDir
    Path dir;

    @Test
    void everyCommandIsAnsweredAndOnlyValidOnesAct() throws Exception {
        try (TestBroker broker = TestBroker.start(dir.resolve("broker"));
             LaneFixture lane = new LaneFixture(dir, broker.uri(), 120_000);
             CentralConsumer central = new CentralConsumer(broker.uri(), "central-ops", "lc/v1/+/+/replies", "lc/v1/+/+/events",
                     "lc/v1/+/+/requests")) {
            String replies = lane.topics.replies();
            assertTrue(EventSyncTest.waitFor(() -> lane.link.link().connects() >= 1, 10_000), "the lane connected");

            byte[] setManual = command(lane, lane.commandKey, "central-ops", "SET_MODE", Instant.now(), Map.of("mode", "MANUAL"));
            JsonNode reply = send(central, lane, setManual, 1);
            assertEquals("done", reply.get("result").asText(), reply.toString());
            assertEquals("OK", reply.get("code").asText());
            assertTrue(EventSyncTest.waitFor(() -> lane.shell.state().mode() == LaneMode.MANUAL, 5_000));

            assertRejected(send(central, lane, setManual, 2), "REPLAYED");
            assertRejected(send(central, lane, command(lane, lane.commandKey, "central-ops", "SET_MODE",
                    Instant.now().minusSeconds(600), Map.of("mode", "CLOSED")), 3), "TOO_OLD");
            KeyPair stranger = Ed25519Keys.generate();
            assertRejected(send(central, lane, command(lane, stranger, "central-ops", "SET_MODE", Instant.now(),
                    Map.of("mode", "CLOSED")), 4), "BAD_SIGNATURE");
            assertRejected(send(central, lane, command(lane, lane.commandKey, "someone-else", "SET_MODE", Instant.now(),
                    Map.of("mode", "CLOSED")), 5), "UNKNOWN_KEY");
            assertRejected(send(central, lane, command(lane, lane.commandKey, "central-ops", "OPEN_GATE", Instant.now(), Map.of()), 6),
                    "UNKNOWN_COMMAND");
            assertRejected(send(central, lane, "{not json".getBytes(StandardCharsets.UTF_8), 7), "MALFORMED");
            assertRejected(send(central, lane, SignedEnvelope.seal("{\"schema\":\"lane-command/1\"}".getBytes(StandardCharsets.UTF_8),
                    "central-ops", lane.commandKey.getPrivate()), 8), "MALFORMED");
            assertRejected(send(central, lane, SignedEnvelope.seal(CommandWire.payload(UUID.randomUUID().toString(), LaneFixture.SITE,
                    "lane-99", "SET_MODE", Instant.now(), "central", Map.of("mode", "CLOSED")), "central-ops",
                    lane.commandKey.getPrivate()), 9), "WRONG_LANE");
            assertRejected(send(central, lane, new byte[CommandWire.COMMAND_BYTES_MAX + 1], 10), "TOO_LARGE");
            JsonNode release = send(central, lane, command(lane, lane.commandKey, "central-ops", "RELEASE", Instant.now(), Map.of()), 11);
            assertRejected(release, "REFUSED_BY_LANE");
            assertEquals("no referred vehicle is waiting", release.get("why").asText());

            assertEquals(LaneMode.MANUAL, lane.shell.state().mode(), "no refused command changed the mode");
            assertEquals(1, lane.events("MODE_CHANGED").size());
            assertEquals(2, lane.events("COMMAND_RECEIVED").size(), "SET_MODE and RELEASE passed the checks");
            assertEquals(9, lane.link.commands().refusals(), "the link refused nine; the lane refused the RELEASE");

            long last = lane.journal.lastSeq();
            JsonNode replay = send(central, lane, command(lane, lane.commandKey, "central-ops", "REPLAY", Instant.now(),
                    Map.of("fromSeq", 1, "toSeq", 3)), 12);
            assertEquals("accepted", replay.get("result").asText(), replay.toString());
            assertTrue(central.await(() -> central.arrivals().stream().filter(e -> e.get("delivery").asText().equals("replay")).count() == 3,
                    10_000), "events 1..3 came again, marked as a replay");
            assertTrue(last >= 3);

            JsonNode resync = send(central, lane, command(lane, lane.commandKey, "central-ops", "LIST_RESYNC", Instant.now(),
                    Map.of("program", "NEXUS")), 13);
            assertEquals("done", resync.get("result").asText(), resync.toString());
            assertTrue(central.await(() -> !central.on(lane.topics.requests()).isEmpty(), 10_000), "the lane asked central for a snapshot");
            assertEquals("NEXUS", central.on(lane.topics.requests()).get(0).get("program").asText());

            JsonNode reset = send(central, lane, command(lane, lane.commandKey, "central-ops", "FAULT_RESET", Instant.now(), Map.of()), 14);
            assertRejected(reset, "REFUSED_BY_LANE");
            assertEquals("the lane is not in FAULT", reset.get("why").asText());
        }
    }

    private static byte[] command(LaneFixture lane, KeyPair key, String keyId, String type, Instant issuedAt, Map<String, Object> args) {
        return CommandWire.sealed(UUID.randomUUID().toString(), LaneFixture.SITE, LaneFixture.LANE, type, issuedAt, "officer-17", args,
                keyId, key.getPrivate());
    }

    /** Sends a command and waits for the {@code n}th reply on the lane's reply topic. */
    private static JsonNode send(CentralConsumer central, LaneFixture lane, byte[] command, int n) throws Exception {
        central.publish(lane.topics.commands(), command, false);
        assertTrue(central.await(() -> central.on(lane.topics.replies()).size() >= n, 10_000), "reply " + n + " came");
        return central.on(lane.topics.replies()).get(n - 1);
    }

    private static void assertRejected(JsonNode reply, String code) {
        assertEquals("rejected", reply.get("result").asText(), reply.toString());
        assertEquals(code, reply.get("code").asText(), reply.toString());
    }

    static List<String> codes(List<JsonNode> replies) {
        return replies.stream().map(r -> r.get("code").asText()).toList();
    }
}
