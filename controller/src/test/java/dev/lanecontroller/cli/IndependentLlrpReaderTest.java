package dev.lanecontroller.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lanecontroller.core.CardStatus;
import dev.lanecontroller.store.CardRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lane's LLRP driver against a reader it was not written with: {@link LlrpReaderEmulator}, an
 * LLRP 1.0.1 reader in Python written from the standard alone, which refuses any message that is not
 * exactly right. The daemon runs on a bench (the real reader driver through the daemon's own
 * assembly, the lane's outputs simulated); the emulator splits what it sends into small TCP segments
 * far apart, unplugs antennas, and stops answering.
 */
class IndependentLlrpReaderTest {
    private static final String MEMBER = "E28011606000020A1B2C3D4E";
    private static final String MEMBER_TID = "E2801160200012345678ABCD";
    private static final String CLONED = "300833B2DDD9014000000001";

    @TempDir
    Path dir;

    @BeforeEach
    void needsPython() {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/python3")), "needs /usr/bin/python3 for the reader emulator");
    }

    private static List<CardRecord> cards() {
        return List.of(new CardRecord(MEMBER, CardStatus.ACTIVE, Long.MAX_VALUE, Set.of("ON:ABC123"), MEMBER_TID, false),
                new CardRecord(CLONED, CardStatus.ACTIVE, Long.MAX_VALUE, Set.of("ON:CLN001"), "E2801160200099999999FFFF", false));
    }

    private static String readerYaml(LlrpReaderEmulator reader, String more) {
        return "reader:\n  kind: llrp\n  antennas: [1, 2]\n  llrp: {host: 127.0.0.1, port: " + reader.port() + more + "}\n";
    }

    /** Waits for the lane; a timeout names what the lane journaled and what the reader did. */
    private static void awaitLane(BenchDaemon bench, LlrpReaderEmulator reader, java.util.function.BooleanSupplier condition, long timeoutMs,
                                  String what) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (!condition.getAsBoolean()) {
            assertTrue(System.currentTimeMillis() < deadline, () -> "no " + what + " within " + timeoutMs + " ms; the journal:"
                    + bench.journal() + "\nthe reader: " + reader.lines());
            Thread.sleep(10);
        }
    }

    @Test
    void aStrictReaderTakesTheLanesSetUpAndItsSplitReportsDecideWithTheTid() throws Exception {
        try (LlrpReaderEmulator reader = new LlrpReaderEmulator(dir);
             BenchDaemon bench = new BenchDaemon(dir, cards(), readerYaml(reader,
                     ", tidWords: 6, session: 2, tagPopulation: 8, transmitPowerIndex: 61, readerModeIndex: 1002"), "")) {
            int started = reader.await("ROSPEC_STARTED", 0, 30_000);
            reader.await(line -> line.startsWith("ACCESSSPEC_ENABLED") && line.contains("bank=2") && line.contains("words=6"), 0, 30_000,
                    "the TID read enabled");
            String rospec = reader.lines().get(started);
            for (String setting : List.of("antennas=1,2", "power=61", "session=2", "population=8", "mode=1002")) {
                assertTrue(rospec.contains(setting), "the site's air settings reached the reader: " + rospec);
            }
            assertEquals(List.of(), reader.refusals(), "every message the lane sent was right by the standard");

            // Seven-byte segments 300 ms apart: a retransmitting network, a report taking seconds to arrive.
            reader.command("split 7 300");
            reader.command("tag " + MEMBER + " antenna=1 rssi=-52 tid=" + MEMBER_TID);
            reader.await("REPORTED " + MEMBER, 0, 30_000);
            // The report took seconds to arrive whole; the camera's plate comes within the read window it opened.
            assertEquals(200, bench.postPlate("ABC 123", "ON", 95));
            awaitLane(bench, reader, () -> !bench.events("PASSAGE").isEmpty(), 60_000, "the member through the simulated lane");
            JsonNode cleared = bench.events("DECISION").get(0);
            assertEquals("CLEARED", cleared.get("outcome").asText(), cleared.toString());
            assertEquals(MEMBER_TID, cleared.get("cards").get(0).get("tid").asText(), "the TID the reader read is the card's");

            assertEquals(List.of(), reader.refusals());
        }
    }

    @Test
    void anAntennaUnpluggedAtTheReaderFaultsTheLaneUntilTheReaderSaysItIsBack() throws Exception {
        try (LlrpReaderEmulator reader = new LlrpReaderEmulator(dir);
             BenchDaemon bench = new BenchDaemon(dir, cards(), readerYaml(reader, ""), "timings: {readerHeartbeatTimeoutMs: 2000}\n")) {
            reader.await("ROSPEC_STARTED", 0, 30_000);
            reader.command("antenna 2 disconnected");
            reader.await("EVENT_SENT antenna 2", 0, 10_000);
            awaitLane(bench, reader, () -> bench.events("FAULT").stream().anyMatch(f -> f.get("cause").asText().equals("READER_TROUBLE")
                    && f.get("detail").asText().equals("antenna 2 disconnected")), 10_000, "READER_TROUBLE for antenna 2");
            JsonNode health = bench.health().get("lane");
            assertEquals("READER_TROUBLE", health.get("faultCause").asText(), health.toString());
            assertEquals("antenna 2 disconnected", health.get("reader").get("antennaTrouble").asText(), "/health names it: " + health);
            assertEquals("llrp", health.get("reader").get("kind").asText(), health.toString());
            assertTrue(health.get("reader").get("online").asBoolean(), "the reader itself is still online: " + health);
            assertTrue(health.has("camera"), "the camera's state is there too: " + health);
            reader.command("antenna 2 connected");
            awaitLane(bench, reader, () -> !bench.events("FAULT_CLEARED").isEmpty(), 30_000, "the fault cleared once the antenna is back");

            // Unplugged while the connection is down: the lane learns it from the reader's AntennaProperties.
            int before = reader.lines().size();
            reader.command("antenna 1 disconnected");
            reader.command("drop");
            reader.await("ROSPEC_STARTED", before, 30_000);
            awaitLane(bench, reader, () -> bench.events("FAULT").stream().anyMatch(f -> f.get("detail").asText().equals("antenna 1 disconnected")),
                    10_000, "READER_TROUBLE for antenna 1 after the reconnect");
            reader.command("antenna 1 connected");
            awaitLane(bench, reader, () -> bench.events("FAULT_CLEARED").size() == 2, 30_000, "the second fault cleared");
            assertEquals(List.of(), reader.refusals());
        }
    }

    @Test
    void aReaderThatStopsAnsweringItsSetUpIsDroppedAndSetUpAgainOnceItAnswersThenACloneIsCaught() throws Exception {
        try (LlrpReaderEmulator reader = new LlrpReaderEmulator(dir);
             BenchDaemon bench = new BenchDaemon(dir, cards(), readerYaml(reader, ", keepaliveMs: 500, silenceLimitMs: 1500, tidWords: 6"), "")) {
            reader.await("ROSPEC_STARTED", 0, 30_000);
            int before = reader.lines().size();
            reader.command("ignore ADD_ROSPEC");
            reader.command("drop");
            int asked = reader.await("RECEIVED ADD_ROSPEC", before, 30_000);
            // Keepalives go on, the set-up is never answered: the lane gives up on this connection and tries again.
            int gaveUp = reader.await("DISCONNECTED", asked, 30_000);
            reader.command("unignore ADD_ROSPEC");
            reader.await("ROSPEC_STARTED", gaveUp, 30_000);

            // Split at random points: a card whose EPC was copied onto another chip has that chip's TID.
            reader.command("split random 300");
            reader.command("tag " + CLONED + " antenna=2 rssi=-60 tid=E28011602000AAAAAAAA0000");
            awaitLane(bench, reader, () -> !bench.events("DECISION").isEmpty(), 60_000, "a decision on the copied card");
            JsonNode referred = bench.events("DECISION").get(0);
            assertEquals("TAG_CLONE_SUSPECT", referred.get("outcome").asText(), referred.toString());
            assertEquals(List.of(), reader.refusals());
        }
    }
}
