package dev.lanecontroller.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.pi4j.Pi4J;
import com.pi4j.context.Context;
import com.pi4j.io.gpio.digital.DigitalState;
import com.pi4j.plugin.mock.platform.MockPlatform;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalInput;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalInputProvider;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalOutputProvider;
import dev.lanecontroller.config.HardwareSettings;
import dev.lanecontroller.daemon.LaneDaemon;
import dev.lanecontroller.daemon.Host;
import dev.lanecontroller.config.HealthSettings;
import dev.lanecontroller.config.LaneConfig;
import dev.lanecontroller.hal.LoopId;
import dev.lanecontroller.hal.SignalAspect;
import dev.lanecontroller.hal.camera.PlateMapping;
import dev.lanecontroller.hal.camera.PlateWebhook;
import dev.lanecontroller.hal.gpio.GpioSettings;
import dev.lanecontroller.hal.gpio.Pi4jPins;
import dev.lanecontroller.hal.gpio.PinSpec;
import dev.lanecontroller.hal.llrp.LlrpSettings;
import dev.lanecontroller.hal.RealTimeScheduler;
import dev.lanecontroller.sim.Scenario;
import dev.lanecontroller.sim.ScenarioLoader;
import dev.lanecontroller.store.ClearanceStore;
import dev.lanecontroller.store.Database;
import dev.lanecontroller.store.JournalEntry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The foundation's scenarios on the real drivers: GPIO on Pi4J's mock platform (with a gate operator
 * and loops that behave like the real ones), the LLRP reader against a fake reader, the camera
 * webhook over HTTP, the real lane core, shell and SQLite. Each must end with the decisions the
 * simulated lane reaches. Scenarios that drive the simulated hardware below the ports (injected
 * faults, single loop edges) or need TIDs (the LLRP set-up does not read TIDs) stay with the simulator.
 */
class PhysicalLaneTest {
    private static final Path EXAMPLES = Path.of("..", "docs", "examples");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SECRET = "Bearer physical-lane-test-secret";
    private static final long DEBOUNCE_MS = 5;
    private static final long GATE_TRAVEL_MS = 150;

    @TempDir
    Path dir;

    /**
     * The example scenarios made of orderly vehicles and officers' commands only, except the one whose point
     * is a TID mismatch: the LLRP set-up reads no TIDs, and without one the lane skips that check.
     */
    static Stream<Path> physicalScenarios() throws IOException {
        List<Path> eligible = new ArrayList<>();
        try (Stream<Path> files = Files.list(EXAMPLES)) {
            for (Path file : files.filter(p -> p.toString().endsWith(".json")).sorted().toList()) {
                JsonNode scenario = JSON.readTree(file.toFile());
                boolean physical = !scenario.path("expect").path("decisions").toString().contains("TAG_CLONE_SUSPECT");
                for (JsonNode step : scenario.get("steps")) {
                    // Vehicles here come one at a time and drive as told: a tailgater is the simulation's to play.
                    boolean orderly = step.path("vehicle").path("behaviour").asText("NORMAL").equals("NORMAL");
                    physical &= (step.has("vehicle") && orderly) || step.has("command");
                }
                if (physical) {
                    eligible.add(file);
                }
            }
        }
        return eligible.stream();
    }

    static GpioSettings wiring() {
        return new GpioSettings(
                Map.of(SignalAspect.STOP, PinSpec.output(5, false), SignalAspect.PROCEED, PinSpec.output(6, false),
                        SignalAspect.REFER, PinSpec.output(13, false), SignalAspect.CLOSING, PinSpec.output(12, false)),
                PinSpec.output(19, false), PinSpec.output(26, false), 200,
                PinSpec.input(20, false, PinSpec.Pull.DOWN, DEBOUNCE_MS), PinSpec.input(21, false, PinSpec.Pull.DOWN, DEBOUNCE_MS),
                Map.of(LoopId.ARMING, PinSpec.input(17, false, PinSpec.Pull.DOWN, DEBOUNCE_MS),
                        LoopId.SAFETY, PinSpec.input(27, false, PinSpec.Pull.DOWN, DEBOUNCE_MS),
                        LoopId.EXIT, PinSpec.input(22, false, PinSpec.Pull.DOWN, DEBOUNCE_MS)),
                PinSpec.input(23, false, PinSpec.Pull.UP, DEBOUNCE_MS), null, 200, Map.of(), 100, Map.of());
    }

    /** Side by side: each scenario has its own mock GPIO, reader, camera port and folder, and mostly waits on its lane's timers. */
    @ParameterizedTest
    @MethodSource("physicalScenarios")
    @Execution(ExecutionMode.CONCURRENT)
    void reachesTheSimulatedLanesDecisions(Path file) throws Exception {
        Scenario scenario = ScenarioLoader.load(file);
        JsonNode steps = JSON.readTree(file.toFile()).get("steps");
        Context pi4j = Pi4J.newContextBuilder().add(new MockPlatform())
                .add(MockDigitalInputProvider.newInstance(), MockDigitalOutputProvider.newInstance()).build();
        List<JournalEntry> events;
        try (FakeLlrpServer reader = new FakeLlrpServer();
             RealTimeScheduler operator = new RealTimeScheduler()) {
            events = run(dir, file, scenario, steps, pi4j, reader, operator);
        } finally {
            pi4j.shutdown();
        }
        List<String> decisions = events.stream().filter(e -> e.type().equals("DECISION"))
                .map(e -> outcome(e)).toList();
        assertEquals(scenario.expectedDecisions(), decisions, file + ": " + events.stream().map(e -> e.type() + " " + e.payloadJson()).toList());
    }

    private static String outcome(JournalEntry decision) {
        try {
            return JSON.readTree(decision.payloadJson()).get("outcome").asText();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The scenario on the daemon's own assembly ({@link LaneDaemon}): its lists imported first, its
     * policy, read filter, clock and random draws; GPIO on Pi4J's mock platform, the LLRP reader a
     * fake one, the camera webhook over HTTP. Returns the journal.
     */
    private static List<JournalEntry> run(Path dir, Path file, Scenario scenario, JsonNode steps, Context pi4j, FakeLlrpServer reader,
                                          RealTimeScheduler operator) throws Exception {
        Path db = dir.resolve("lane.db");
        long startWall = scenario.startWallMs();
        try (ClearanceStore store = new ClearanceStore(Database.open(db))) {
            for (Scenario.ScenarioList list : scenario.lists()) {
                store.importList(list.info().program(), list.info().version(), list.info().issuedWallMs(), list.info().expiresWallMs(),
                        startWall, sink -> {
                            list.cards().forEach(sink);
                            return list.cards().size();
                        });
            }
        }
        HardwareSettings hardware = new HardwareSettings(HardwareSettings.Kind.GPIO, wiring(), "mock",
                new HardwareSettings.Reader(HardwareSettings.ReaderKind.LLRP,
                        new LlrpSettings("127.0.0.1", reader.port(), List.of(), 1_000, 3_000, 2_000, 50, 500), null, null, null, 1),
                new PlateWebhook.Settings("127.0.0.1", 0, "/plates", "Authorization", SECRET, 4_096, PlateMapping.FLAT));
        LaneConfig config = new LaneConfig(scenario.setup().settings(), scenario.setup().readFilter(), db, 30, hardware, null, null,
                new HealthSettings(false, "127.0.0.1", 0, null));
        long monoStartNs = System.nanoTime();
        SplittableRandom draws = new SplittableRandom(scenario.seed());
        Host host = Host.forTests(System.out).withGpioPins(settings -> new Pi4jPins(pi4j, "mock"))
                .withClock(() -> startWall + (System.nanoTime() - monoStartNs) / 1_000_000, scenario::clockSynced, draws::nextDouble);
        try (LaneDaemon daemon = LaneDaemon.start(config, host)) {
            MockGateOperator.attach(pi4j, operator, GATE_TRAVEL_MS);
            MockDigitalInput openLimit = input(pi4j, "openLimit");
            await(reader::started, 10_000, "the reader set up");
            Vehicles vehicles = new Vehicles(pi4j, reader, daemon.devices().camera().port(), () -> journal(daemon), openLimit);
            for (JsonNode step : steps) {
                if (step.has("vehicle")) {
                    vehicles.arrive(step.get("vehicle"));
                } else {
                    daemon.inbox().offer(ScenarioLoader.command(step.get("command"), file.getFileName() + " step"));
                    vehicles.settle();
                }
            }
            vehicles.settle();
            return journal(daemon);
        }
    }

    /** Everything the daemon journaled so far, in order. */
    static List<JournalEntry> journal(LaneDaemon daemon) {
        List<JournalEntry> all = new ArrayList<>();
        List<JournalEntry> page;
        do {
            page = daemon.journal().read(all.isEmpty() ? 0 : all.get(all.size() - 1).seq(), 1_000);
            all.addAll(page);
        } while (!page.isEmpty());
        return all;
    }

    static MockDigitalInput input(Context pi4j, String name) {
        return MockGateOperator.input(pi4j, name);
    }

    /** Vehicles on the loops: arrive, get read, wait for their decision, and drive through when the arm is up. */
    static final class Vehicles {
        private final Context pi4j;
        private final FakeLlrpServer reader;
        private final int cameraPort;
        private final java.util.function.Supplier<List<JournalEntry>> events;
        private final MockDigitalInput openLimit;
        private final HttpClient http = HttpClient.newHttpClient();
        private volatile boolean waiting;
        private final java.util.concurrent.atomic.AtomicInteger openPulses = new java.util.concurrent.atomic.AtomicInteger();

        Vehicles(Context pi4j, FakeLlrpServer reader, int cameraPort, java.util.function.Supplier<List<JournalEntry>> events,
                 MockDigitalInput openLimit) {
            this.pi4j = pi4j;
            this.reader = reader;
            this.cameraPort = cameraPort;
            this.events = events;
            this.openLimit = openLimit;
            pi4j.io("gateOpen", com.pi4j.io.gpio.digital.DigitalOutput.class).addListener(event -> {
                if (event.state() == DigitalState.HIGH) {
                    openPulses.incrementAndGet();
                }
            });
        }

        void arrive(JsonNode vehicle) throws Exception {
            long decisionsBefore = count("DECISION");
            waiting = true;
            input(pi4j, "loop.ARMING").mockState(DigitalState.HIGH);
            Thread.sleep(50);
            List<String> epcs = new ArrayList<>();
            vehicle.path("tags").forEach(tag -> epcs.add(tag.get("epc").asText()));
            if (!epcs.isEmpty()) {
                reader.report(epcs);
            }
            JsonNode plate = vehicle.path("plate");
            if (plate.has("text")) {
                if (plate.has("misreadFirst")) {
                    post(plate.get("misreadFirst").asText(), plate.path("jurisdiction").asText(""), "new");
                    post(plate.get("text").asText(), plate.path("jurisdiction").asText(""), "update");
                } else {
                    post(plate.get("text").asText(), plate.path("jurisdiction").asText(""), "new");
                }
            }
            await(() -> count("DECISION") > decisionsBefore, 10_000, "a decision");
            settle();
        }

        /**
         * Drives through if the arm comes up, and waits until the lane is quiet. An arm the lane has
         * told to open is waited for however slowly the machine runs; otherwise a second is enough (a
         * gate that opens is told to within 250 ms here).
         */
        void settle() throws Exception {
            long deadline = System.currentTimeMillis() + 1_000;
            while (System.currentTimeMillis() < deadline || (waiting && openPulses.get() > 0 && System.currentTimeMillis() < deadline + 10_000)) {
                if (waiting && openLimit.state() == DigitalState.HIGH) {
                    openPulses.set(0);
                    driveThrough();
                    return;
                }
                Thread.sleep(20);
            }
        }

        private void driveThrough() throws Exception {
            long passagesBefore = count("PASSAGE");
            input(pi4j, "loop.SAFETY").mockState(DigitalState.HIGH);
            Thread.sleep(100);
            input(pi4j, "loop.ARMING").mockState(DigitalState.LOW);
            Thread.sleep(100);
            input(pi4j, "loop.EXIT").mockState(DigitalState.HIGH);
            Thread.sleep(100);
            input(pi4j, "loop.SAFETY").mockState(DigitalState.LOW);
            Thread.sleep(100);
            input(pi4j, "loop.EXIT").mockState(DigitalState.LOW);
            waiting = false;
            await(() -> count("PASSAGE") > passagesBefore, 10_000, "the passage");
            // The arm comes down behind the car (after the suppression time) before the next one.
            await(() -> input(pi4j, "closedLimit").state() == DigitalState.HIGH, 10_000, "the arm down");
        }

        private void post(String text, String jurisdiction, String kind) throws Exception {
            String body = JSON.createObjectNode().put("plate", text).put("region", jurisdiction).put("confidence", 95).put("event", kind).toString();
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + cameraPort + "/plates"))
                    .header("Authorization", SECRET).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode(), response.body());
        }

        private long count(String type) {
            return events.get().stream().filter(e -> e.type().equals(type)).count();
        }
    }

    static void await(BooleanSupplier condition, long timeoutMs, String what) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (!condition.getAsBoolean()) {
            assertTrue(System.currentTimeMillis() < deadline, "no " + what + " within " + timeoutMs + " ms");
            Thread.sleep(10);
        }
    }
}
