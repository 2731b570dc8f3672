package dev.lanecontroller.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.pi4j.Pi4J;
import com.pi4j.context.Context;
import com.pi4j.io.gpio.digital.DigitalOutput;
import com.pi4j.io.gpio.digital.DigitalState;
import com.pi4j.plugin.mock.platform.MockPlatform;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalInputProvider;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalOutputProvider;
import dev.lanecontroller.contract.CommandWire;
import dev.lanecontroller.contract.Topics;
import dev.lanecontroller.core.CardStatus;
import dev.lanecontroller.hal.RealTimeScheduler;
import dev.lanecontroller.hal.gpio.Pi4jPins;
import dev.lanecontroller.link.TestBroker;
import dev.lanecontroller.pki.Ed25519Keys;
import dev.lanecontroller.store.CardRecord;
import dev.lanecontroller.store.ClearanceStore;
import dev.lanecontroller.store.Database;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * A referral ends only by an officer's act. The daemon is started through the entry point of
 * {@code lane-controller run}, on a GPIO lane (Pi4J's mock platform) with an LLRP reader (a fake
 * one) and a central link: a car with a LOOKOUT card and a car with an unknown card are each held at
 * REFER, arm down, well past the demo's simulated officer's delay, until central's signed RELEASE
 * arrives; the journal names the officer who released each.
 */
class ReferralWaitsForOfficerTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SITE = "test-site";
    private static final String LANE = "lane-07";
    private static final String LOOKOUT_CARD = "E20000000000000000000001";
    private static final String UNKNOWN_CARD = "E200000000000000000000FF";
    /** Longer than the demo's simulated officer takes (8 s), with room for a slow machine. */
    private static final long HELD_AT_LEAST_MS = 10_000;
    private static final long GATE_TRAVEL_MS = 150;

    @TempDir
    Path dir;

    @Test
    void aReferredCarWaitsForCentralsSignedReleaseHoweverLongItTakes() throws Exception {
        KeyPair commandKey = Ed25519Keys.generate();
        Ed25519Keys.writePublic(commandKey.getPublic(), dir.resolve("commands.pub"));
        Path db = dir.resolve("lane.db");
        long now = System.currentTimeMillis();
        try (ClearanceStore store = new ClearanceStore(Database.open(db))) {
            List<CardRecord> cards = List.of(new CardRecord(LOOKOUT_CARD, CardStatus.ACTIVE, Long.MAX_VALUE, Set.of(), null, true),
                    new CardRecord("E20000000000000000000002", CardStatus.ACTIVE, Long.MAX_VALUE, Set.of(), null, false));
            store.importList("NEXUS", 1, now, now + 86_400_000L, now, sink -> {
                cards.forEach(sink);
                return cards.size();
            });
        }
        Context pi4j = Pi4J.newContextBuilder().add(new MockPlatform())
                .add(MockDigitalInputProvider.newInstance(), MockDigitalOutputProvider.newInstance()).build();
        AtomicInteger openPulses = new AtomicInteger();
        try (TestBroker broker = TestBroker.start(dir.resolve("broker"));
             FakeLlrpServer reader = new FakeLlrpServer();
             RealTimeScheduler operatorClock = new RealTimeScheduler()) {
            Path config = writeConfig(db, reader.port(), broker.uri());
            RunCommand run = new RunCommand(hardware -> new OperatedGatePins(new Pi4jPins(pi4j, "mock"), pi4j, operatorClock,
                    GATE_TRAVEL_MS, openPulses));
            CommandLine.IFactory factory = new CommandLine.IFactory() {
                @Override
                public <K> K create(Class<K> type) throws Exception {
                    return type == RunCommand.class ? type.cast(run) : CommandLine.defaultFactory().create(type);
                }
            };
            AtomicInteger exit = new AtomicInteger(-1);
            Thread daemon = new Thread(() -> exit.set(Main.execute(factory, "run", "--config", config.toString())), "daemon");
            daemon.start();
            try {
                PhysicalLaneTest.await(() -> !events(db, "LANE_STARTED").isEmpty(), 30_000, "the lane started");
                PhysicalLaneTest.await(reader::started, 30_000, "the reader set up");
                try (MqttClient central = new MqttClient(broker.uri(), "central-ops", new MemoryPersistence())) {
                    central.connect();
                    // The lane announces itself (retained) once it has subscribed to its commands.
                    AtomicBoolean online = new AtomicBoolean();
                    central.subscribe(Topics.lane("lc/v1", SITE, LANE).status(), 1,
                            (topic, message) -> online.compareAndSet(false, new String(message.getPayload()).contains("\"online\"")));
                    PhysicalLaneTest.await(online::get, 30_000, "the lane online at central");
                    String commands = Topics.lane("lc/v1", SITE, LANE).commands();
                    for (String card : List.of(LOOKOUT_CARD, UNKNOWN_CARD)) {
                        heldUntilReleased(pi4j, reader, central, commands, commandKey, db, card, openPulses);
                    }
                    central.disconnect();
                }
                List<JsonNode> releases = events(db, "RELEASED");
                assertEquals(2, releases.size(), "one release per referral: " + releases);
                for (JsonNode release : releases) {
                    assertTrue(release.get("actor").asText().startsWith("officer-"), "the journal names who released: " + release);
                }
            } finally {
                run.stop();
                daemon.join(30_000);
                pi4j.shutdown();
            }
            assertEquals(0, exit.get(), "the daemon stopped cleanly");
        }
    }

    private void heldUntilReleased(Context pi4j, FakeLlrpServer reader, MqttClient central, String commands, KeyPair commandKey, Path db,
                                   String card, AtomicInteger openPulses) throws Exception {
        int decisionsBefore = events(db, "DECISION").size();
        int passagesBefore = events(db, "PASSAGE").size();
        PhysicalLaneTest.input(pi4j, "loop.ARMING").mockState(DigitalState.HIGH);
        Thread.sleep(50); // the car reaches the read zone after the arming loop
        reader.report(List.of(card));
        PhysicalLaneTest.await(() -> events(db, "DECISION").size() > decisionsBefore, 10_000, "a decision");
        JsonNode decision = events(db, "DECISION").get(decisionsBefore);
        assertEquals(card.equals(LOOKOUT_CARD) ? "LOOKOUT" : "UNKNOWN_TAG", decision.get("outcome").asText(), decision.toString());
        long referredMonoMs = decision.get("_monoMs").asLong();
        int pulsesAtReferral = openPulses.get();

        // Central's officer takes longer than the demo's simulated one (8 s). Whether anything
        // released the car meanwhile is read from the journal below, up to central's release.
        Thread.sleep(HELD_AT_LEAST_MS);
        assertEquals(DigitalState.HIGH, pi4j.io("lamp-REFER", DigitalOutput.class).state(), "REFER shown while the car waits");
        int pulsesBeforeRelease = openPulses.get();
        String commandId = UUID.randomUUID().toString();
        String actor = "officer-" + card.substring(card.length() - 2);
        central.publish(commands, CommandWire.sealed(commandId, SITE, LANE, "RELEASE", Instant.now(), actor, Map.of(), "central-ops",
                commandKey.getPrivate()), 1, false);
        PhysicalLaneTest.await(() -> events(db, "RELEASED").stream().anyMatch(r -> r.path("commandId").asText().equals(commandId)),
                15_000, "the release");
        // Everything journaled between the referral and central's release: no other release, no passage.
        JsonNode received = events(db, "COMMAND_RECEIVED").stream().filter(c -> c.toString().contains(commandId)).findFirst().orElseThrow();
        assertTrue(received.get("_monoMs").asLong() - referredMonoMs >= HELD_AT_LEAST_MS, "the car was held past the demo delay");
        for (JsonNode event : between(db, decision.get("_seq").asLong(), received.get("_seq").asLong())) {
            String type = event.get("_type").asText();
            assertTrue(!type.equals("RELEASED") && !type.equals("PASSAGE"), "before central's release: " + event);
        }
        assertEquals(pulsesAtReferral, pulsesBeforeRelease, "the arm was not told to open before central's release");

        // The released car drives through; the arm comes down behind it.
        PhysicalLaneTest.await(() -> PhysicalLaneTest.input(pi4j, "openLimit").state() == DigitalState.HIGH, 15_000, "the arm up");
        drive(pi4j, "loop.SAFETY", DigitalState.HIGH);
        drive(pi4j, "loop.ARMING", DigitalState.LOW);
        drive(pi4j, "loop.EXIT", DigitalState.HIGH);
        drive(pi4j, "loop.SAFETY", DigitalState.LOW);
        drive(pi4j, "loop.EXIT", DigitalState.LOW);
        PhysicalLaneTest.await(() -> events(db, "PASSAGE").size() > passagesBefore, 15_000, "the passage");
        PhysicalLaneTest.await(() -> PhysicalLaneTest.input(pi4j, "closedLimit").state() == DigitalState.HIGH, 15_000, "the arm down");
    }

    private static void drive(Context pi4j, String loop, DigitalState state) throws InterruptedException {
        PhysicalLaneTest.input(pi4j, loop).mockState(state);
        Thread.sleep(100); // a car takes time from one loop to the next; longer than the loops' debounce
    }

    private Path writeConfig(Path db, int readerPort, String brokerUri) throws Exception {
        Path config = dir.resolve("lane.yaml");
        Files.writeString(config, """
                lane: {id: %s}
                programs: {accepted: [NEXUS]}
                storage: {path: %s}
                health: {port: 0}
                hardware:
                  kind: gpio
                  gpio:
                    provider: gpiod
                    lamps: {STOP: {bcm: 5}, PROCEED: {bcm: 6}, REFER: {bcm: 13}, CLOSING: {bcm: 12}}
                    gateOpen: {bcm: 19}
                    gateClose: {bcm: 26}
                    gatePulseMs: 200
                    openLimit: {bcm: 20, pull: DOWN, debounceMs: 5}
                    closedLimit: {bcm: 21, pull: DOWN, debounceMs: 5}
                    loops:
                      ARMING: {bcm: 17, pull: DOWN, debounceMs: 5}
                      SAFETY: {bcm: 27, pull: DOWN, debounceMs: 5}
                      EXIT: {bcm: 22, pull: DOWN, debounceMs: 5}
                reader:
                  kind: llrp
                  llrp: {host: 127.0.0.1, port: %d, keepaliveMs: 1000, silenceLimitMs: 3000}
                central:
                  broker: %s
                  allowPlainTcp: true
                  site: %s
                  keepAliveS: 5
                  reconnectMinMs: 50
                  reconnectMaxMs: 500
                  keys:
                    commands: {central-ops: commands.pub}
                """.formatted(LANE, db, readerPort, brokerUri, SITE));
        return config;
    }

    static List<JsonNode> events(Path db, String type) {
        return between(db, 0, Long.MAX_VALUE).stream().filter(e -> e.get("_type").asText().equals(type)).toList();
    }

    /** Journaled events with afterSeq < seq < beforeSeq: each payload with _seq, _type, _monoMs and _wallMs added. */
    static List<JsonNode> between(Path db, long afterSeq, long beforeSeq) {
        List<JsonNode> events = new ArrayList<>();
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:file:" + db + "?mode=ro");
             var statement = connection.prepareStatement("SELECT seq, type, mono_ms, payload, wall_ms FROM journal WHERE seq > ? AND seq < ? ORDER BY seq")) {
            statement.setLong(1, afterSeq);
            statement.setLong(2, beforeSeq);
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    com.fasterxml.jackson.databind.node.ObjectNode event = (com.fasterxml.jackson.databind.node.ObjectNode) JSON.readTree(rows.getString(4));
                    event.put("_seq", rows.getLong(1)).put("_type", rows.getString(2)).put("_monoMs", rows.getLong(3)).put("_wallMs", rows.getLong(5));
                    events.add(event);
                }
            }
        } catch (Exception e) {
            return events; // not there yet, or busy for a moment: the caller waits and asks again
        }
        return events;
    }
}
