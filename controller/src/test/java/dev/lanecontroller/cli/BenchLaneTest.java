package dev.lanecontroller.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lanecontroller.core.CardStatus;
import dev.lanecontroller.hal.serial.PtyReader;
import dev.lanecontroller.store.CardRecord;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code hardware.kind: bench}: an integrator's laptop. The daemon, started as {@code lane-controller
 * run} starts it, reads a real reader — LLRP (a fake one on the wire), or a line reader behind a
 * serial-to-Ethernet server — and takes the camera's posts over HTTP; the signal, gate and loops
 * are simulated, and a simulated vehicle drives through once the arm is up. A member's card and
 * plate go all the way: CLEARED, arm up, PASSAGE, arm down.
 */
class BenchLaneTest {
    private static final String CARD = "E20000000000000000000042";

    @TempDir
    Path dir;

    /** The reader a bench runs: its config section, how the test waits for it, and how it presents a card. */
    private interface BenchReader {
        String yaml();

        void awaitReady() throws Exception;

        void present(String epc) throws Exception;
    }

    @Test
    void aRealLlrpReaderAndCameraDecideOnASimulatedLane() throws Exception {
        try (FakeLlrpServer reader = new FakeLlrpServer()) {
            memberThroughTheBench(new BenchReader() {
                public String yaml() {
                    return "reader:\n  kind: llrp\n  llrp: {host: 127.0.0.1, port: " + reader.port() + "}\n";
                }

                public void awaitReady() throws Exception {
                    PhysicalLaneTest.await(reader::started, 30_000, "the reader set up");
                }

                public void present(String epc) throws Exception {
                    reader.report(List.of(epc));
                }
            });
        }
    }

    @Test
    void aLineReaderBehindASerialToEthernetServerDecidesOnASimulatedLane() throws Exception {
        try (java.net.ServerSocket converter = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            converter.setSoTimeout(30_000);
            java.net.Socket[] connection = new java.net.Socket[1];
            try {
                memberThroughTheBench(new BenchReader() {
                    public String yaml() {
                        return "reader:\n  kind: serial\n  serial: {device: \"tcp://127.0.0.1:" + converter.getLocalPort() + "\"}\n";
                    }

                    public void awaitReady() throws Exception {
                        connection[0] = converter.accept();
                    }

                    public void present(String epc) throws Exception {
                        connection[0].getOutputStream().write((epc + "\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                    }
                });
            } finally {
                if (connection[0] != null) {
                    connection[0].close();
                }
            }
        }
    }

    @Test
    void aSerialReaderOnAPseudoTerminalDecidesOnASimulatedLane() throws Exception {
        try (PtyReader pty = PtyReader.start(dir)) { // hal's relay: a pseudo-terminal that plays a USB reader
            memberThroughTheBench(new BenchReader() {
                public String yaml() {
                    // A desktop reader's defaults: the card number in hex, a line end of CR LF.
                    return "reader:\n  kind: serial\n  serial: {device: \"" + pty.device() + "\", baudRate: 9600}\n";
                }

                public void awaitReady() throws Exception {
                    // The daemon runs in this process: it has the port open once one of our descriptors is the terminal.
                    PhysicalLaneTest.await(() -> holdsOpen(Path.of(pty.device())), 30_000, "the daemon opened " + pty.device());
                }

                public void present(String epc) throws Exception {
                    pty.send(epc + "\r\n");
                }
            });
        }
    }

    private static boolean holdsOpen(Path device) {
        try (var fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.anyMatch(fd -> {
                try {
                    return Files.readSymbolicLink(fd).equals(device);
                } catch (java.io.IOException e) {
                    return false; // closed meanwhile
                }
            });
        } catch (java.io.IOException e) {
            return false;
        }
    }

    /** A member's plate posted, then its card presented: CLEARED with the plate, the simulated vehicle through, the arm down. */
    private void memberThroughTheBench(BenchReader reader) throws Exception {
        List<CardRecord> cards = List.of(new CardRecord(CARD, CardStatus.ACTIVE, Long.MAX_VALUE, Set.of("ON:ABC123"), null, false));
        try (BenchDaemon bench = new BenchDaemon(dir, cards, reader.yaml(), "")) {
            reader.awaitReady();
            // The plate first (the camera is quicker than the reader), then the card: one vehicle, one transaction.
            assertEquals(200, bench.postPlate("ABC 123", "ON", 95));
            reader.present(CARD);
            PhysicalLaneTest.await(() -> !bench.events("PASSAGE").isEmpty(), 30_000, "the vehicle through the simulated lane");
            JsonNode decision = bench.events("DECISION").get(0);
            assertEquals("CLEARED", decision.get("outcome").asText(), decision.toString());
            assertEquals("ON:ABC123", decision.get("plate").asText(), "the camera's plate is in the decision");
            assertEquals(1, bench.events("DECISION").size(), "the plate and the card were one vehicle");
        }
    }

    @Test
    void aBenchHasNoArmingLoopToWaitFor() throws Exception {
        Path config = dir.resolve("bad.yaml");
        Files.writeString(config, """
                lane: {id: bench-02}
                hardware: {kind: bench}
                reader:
                  kind: llrp
                  llrp: {host: 127.0.0.1}
                """);
        assertEquals(2, Main.execute("check-config", config.toString()));
        List<String> problems = org.junit.jupiter.api.Assertions.assertThrows(dev.lanecontroller.config.ConfigException.class,
                () -> dev.lanecontroller.config.ConfigLoader.load(config)).problems();
        assertTrue(problems.stream().anyMatch(p -> p.startsWith("lane.armingLoop: a bench lane (hardware.kind: bench) has no arming loop: "
                + "set lane.armingLoop: false")), problems.toString());
    }
}
