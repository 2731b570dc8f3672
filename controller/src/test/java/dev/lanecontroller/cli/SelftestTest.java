package dev.lanecontroller.cli;

import dev.lanecontroller.daemon.LaneDevices;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.pi4j.Pi4J;
import com.pi4j.context.Context;
import com.pi4j.io.gpio.digital.DigitalOutput;
import com.pi4j.io.gpio.digital.DigitalState;
import com.pi4j.plugin.mock.platform.MockPlatform;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalInputProvider;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalOutputProvider;
import dev.lanecontroller.config.HardwareSettings;
import dev.lanecontroller.hal.camera.PlateMapping;
import dev.lanecontroller.hal.camera.PlateWebhook;
import dev.lanecontroller.hal.gpio.Pi4jPins;
import dev.lanecontroller.hal.llrp.LlrpSettings;
import dev.lanecontroller.hal.RealTimeScheduler;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The technician's self-test on mock GPIO, a fake LLRP reader and the camera webhook. */
class SelftestTest {
    private Context pi4j;
    private FakeLlrpServer reader;
    private RealTimeScheduler scheduler;
    private LaneDevices devices;
    private final ByteArrayOutputStream output = new ByteArrayOutputStream();
    private final List<String> gateRelays = new ArrayList<>();
    private volatile boolean armJammed;

    @BeforeEach
    void lane() throws Exception {
        pi4j = Pi4J.newContextBuilder().add(new MockPlatform())
                .add(MockDigitalInputProvider.newInstance(), MockDigitalOutputProvider.newInstance()).build();
        reader = new FakeLlrpServer();
        scheduler = new RealTimeScheduler();
        HardwareSettings hardware = new HardwareSettings(HardwareSettings.Kind.GPIO, PhysicalLaneTest.wiring(), "mock",
                new HardwareSettings.Reader(HardwareSettings.ReaderKind.LLRP,
                        new LlrpSettings("127.0.0.1", reader.port(), List.of(), 1_000, 3_000, 2_000, 50, 500), null, null, null, 1),
                new PlateWebhook.Settings("127.0.0.1", 0, "/plates", "Authorization", "Bearer selftest-secret-0123", 4_096, PlateMapping.FLAT));
        devices = LaneDevices.open(hardware, new Pi4jPins(pi4j, "mock"), scheduler);
        MockGateOperator.attach(pi4j, scheduler, 100, () -> armJammed);
        for (String relay : List.of("gateOpen", "gateClose")) {
            pi4j.io(relay, DigitalOutput.class).addListener(event -> {
                if (event.state() == DigitalState.HIGH) {
                    gateRelays.add(relay);
                }
            });
        }
    }

    @AfterEach
    void close() throws Exception {
        devices.close();
        scheduler.close();
        reader.close();
        pi4j.shutdown();
    }

    private Selftest selftest(boolean yes, String answers) {
        return new Selftest(devices, new BufferedReader(new StringReader(answers)), new PrintStream(output, true, StandardCharsets.UTF_8), yes,
                50, 2_000);
    }

    private static Selftest.Result result(List<Selftest.Line> lines, String item) {
        return lines.stream().filter(line -> line.item().equals(item)).findFirst().orElseThrow().result();
    }

    @Test
    void withYesEveryOutputIsDrivenTheGateCyclesAndTheReaderAndCameraAreUp() throws Exception {
        Selftest test = selftest(true, "");
        List<Selftest.Line> lines = test.run();
        String printed = output.toString(StandardCharsets.UTF_8);
        assertTrue(test.passed(), printed);
        assertEquals(Selftest.Result.DRIVEN, result(lines, "lamp.PROCEED"), printed);
        assertEquals(Selftest.Result.PASS, result(lines, "gate open"), printed);
        assertEquals(Selftest.Result.PASS, result(lines, "gate close"), printed);
        assertEquals(Selftest.Result.PASS, result(lines, "reader"), printed);
        assertEquals(Selftest.Result.PASS, result(lines, "camera endpoint"), printed);
        assertEquals(Selftest.Result.PASS, result(lines, "loop.SAFETY"), printed);
        assertEquals(List.of("gateOpen", "gateClose"), gateRelays);
        assertTrue(printed.contains("selftest PASSED"), printed);
        assertTrue(printed.contains("ITEM"), printed);
    }

    @Test
    void anArmThatNeverLeavesItsClosedLimitFailsBothMovesAndAReaderNotSetUpFails() throws Exception {
        armJammed = true;
        reader.answerSetUp(false); // keepalives, but the ROSpec never answered
        Selftest test = selftest(true, "");
        List<Selftest.Line> lines = test.run();
        String printed = output.toString(StandardCharsets.UTF_8);
        assertEquals(Selftest.Result.FAIL, result(lines, "gate open"), printed);
        assertEquals(Selftest.Result.FAIL, result(lines, "gate close"), "before: PASS, the closed limit never having been off: " + printed);
        assertTrue(printed.contains("never left the closed limit"), printed);
        assertEquals(Selftest.Result.FAIL, result(lines, "reader"), "before: PASS on the keepalives of a reader not set up: " + printed);
        assertFalse(test.passed());
    }

    @Test
    void aCameraPortAlreadyInUseIsNamedAsSuchNotBlamedOnTheGpio() throws Exception {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            HardwareSettings hardware = new HardwareSettings(HardwareSettings.Kind.GPIO, PhysicalLaneTest.wiring(), "mock",
                    new HardwareSettings.Reader(HardwareSettings.ReaderKind.LLRP,
                            new LlrpSettings("127.0.0.1", reader.port(), List.of(), 1_000, 3_000, 2_000, 50, 500), null, null, null, 1),
                    new PlateWebhook.Settings("127.0.0.1", taken.getLocalPort(), "/plates", "Authorization", "Bearer selftest-secret-0123",
                            4_096, PlateMapping.FLAT));
            Context other = Pi4J.newContextBuilder().add(new MockPlatform())
                    .add(MockDigitalInputProvider.newInstance(), MockDigitalOutputProvider.newInstance()).build();
            try {
                java.io.IOException e = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class,
                        () -> LaneDevices.open(hardware, new Pi4jPins(other, "mock"), scheduler));
                assertTrue(e.getMessage().startsWith("camera webhook: cannot listen on 127.0.0.1:" + taken.getLocalPort()), e.getMessage());
                assertFalse(e.getMessage().contains("Raspberry Pi"), e.getMessage());
            } finally {
                other.shutdown();
            }
        }
    }

    @Test
    void itRefusesToMoveTheGateWhileTheSafetyLoopIsOccupied() throws Exception {
        MockGateOperator.input(pi4j, "loop.SAFETY").mockState(DigitalState.HIGH);
        Selftest test = selftest(true, "");
        List<Selftest.Line> lines = test.run();
        assertEquals(Selftest.Result.FAIL, result(lines, "gate"));
        assertFalse(test.passed());
        assertEquals(List.of(), gateRelays, "no relay was pulsed");
        assertTrue(output.toString(StandardCharsets.UTF_8).contains("REFUSED: the safety loop is occupied"));
    }

    @Test
    void theTechniciansAnswersDecideWhatIsDrivenAndWhatPasses() throws Exception {
        // STOP: drive, seen. PROCEED: drive, not seen. REFER and CLOSING: not driven. Gate: not moved.
        Selftest test = selftest(false, "y\ny\ny\nn\nn\nn\nn\n");
        List<Selftest.Line> lines = test.run();
        assertFalse(test.passed());
        assertEquals(List.of(), gateRelays);
        long failed = lines.stream().filter(line -> line.result() == Selftest.Result.FAIL).count();
        long skipped = lines.stream().filter(line -> line.result() == Selftest.Result.SKIPPED).count();
        assertEquals(1, failed, output.toString(StandardCharsets.UTF_8));
        assertEquals(3, skipped, output.toString(StandardCharsets.UTF_8));
    }

    @Test
    void theReadersAndTheCamerasCountersReachTheMetrics() throws Exception {
        dev.lanecontroller.ops.LaneMetrics metrics = new dev.lanecontroller.ops.LaneMetrics();
        devices.registerMetrics(metrics);
        devices.start();
        PhysicalLaneTest.await(reader::started, 10_000, "the reader set up");
        reader.report(List.of("E20000170000000000000001", "E20000170000000000000002"));
        int status = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create("http://127.0.0.1:" + devices.camera().port() + "/plates")).POST(
                java.net.http.HttpRequest.BodyPublishers.ofString("{}")).build(), java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode();
        assertEquals(401, status);
        PhysicalLaneTest.await(() -> devices.readerReads() == 2, 10_000, "two reads");
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        metrics.write(text);
        String exposition = text.toString(StandardCharsets.UTF_8);
        assertTrue(exposition.contains("lane_reader_reads_total 2.0"), exposition);
        assertTrue(exposition.contains("lane_reader_online 1.0"), exposition);
        assertTrue(exposition.contains("lane_camera_posts_refused_total 1.0"), exposition);
    }
}
