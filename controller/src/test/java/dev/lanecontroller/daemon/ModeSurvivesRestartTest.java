package dev.lanecontroller.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanecontroller.config.ConfigLoader;
import dev.lanecontroller.config.LaneConfig;
import dev.lanecontroller.core.CommandKind;
import dev.lanecontroller.core.LaneInput;
import dev.lanecontroller.core.LaneMode;
import dev.lanecontroller.store.JournalEntry;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A lane central closed stays closed through a restart or a power cut; only a command opens it again. */
class ModeSurvivesRestartTest {
    @TempDir
    Path dir;

    @Test
    void theModeACommandSetOutlivesARestart() throws Exception {
        LaneConfig config = simulatedLane("lane-11");
        Host host = Host.forTests(new PrintStream(new ByteArrayOutputStream(), true));
        try (LaneDaemon lane = LaneDaemon.start(config, host)) {
            assertEquals(LaneMode.AUTOMATED, lane.shell().state().mode(), "the configured mode, as nothing commanded another");
            lane.inbox().offer(new LaneInput.Command("close-1", CommandKind.SET_MODE, LaneMode.CLOSED, "officer-7"));
            awaitTrue(() -> lane.shell().state().mode() == LaneMode.CLOSED, "the lane closed");
        }
        try (LaneDaemon lane = LaneDaemon.start(config, host)) {
            assertEquals(LaneMode.CLOSED, lane.shell().state().mode(), "still closed after the restart, before any input");
            List<JournalEntry> started = lane.journal().read(0, 1_000).stream().filter(e -> e.type().equals("LANE_STARTED")).toList();
            assertEquals(2, started.size());
            assertTrue(started.get(1).payloadJson().contains("\"mode\":\"CLOSED\"") && started.get(1).payloadJson().contains(
                    "\"modeFrom\":\"command\""), started.get(1).payloadJson());
            // And a command opens it again, for the next restart too.
            lane.inbox().offer(new LaneInput.Command("open-1", CommandKind.SET_MODE, LaneMode.AUTOMATED, "officer-7"));
            awaitTrue(() -> lane.shell().state().mode() == LaneMode.AUTOMATED, "the lane opened");
        }
        try (LaneDaemon lane = LaneDaemon.start(config, host)) {
            assertEquals(LaneMode.AUTOMATED, lane.shell().state().mode());
        }
    }

    @Test
    void aCommandedModeThatCannotBeReadStartsTheLaneInFaultNotInItsConfiguredMode() throws Exception {
        LaneConfig config = simulatedLane("lane-12");
        Host host = Host.forTests(new PrintStream(new ByteArrayOutputStream(), true));
        LaneDaemon.start(config, host).close();
        try (var db = java.sql.DriverManager.getConnection("jdbc:sqlite:" + config.storagePath());
             var statement = db.createStatement()) {
            statement.executeUpdate("INSERT OR REPLACE INTO meta(key, value) VALUES ('commanded_mode', 'CLOSED_FOR_GOOD')");
        }
        try (LaneDaemon lane = LaneDaemon.start(config, host)) {
            assertEquals(LaneMode.FAULT, lane.shell().state().mode(), "central may have closed it: safe, latched, until reset");
        }
    }

    @Test
    void aModeChangeThatWaitedForACarTakesEffectAfterARestart() throws Exception {
        LaneConfig config = simulatedLane("lane-13");
        Host host = Host.forTests(new PrintStream(new ByteArrayOutputStream(), true));
        try (LaneDaemon lane = LaneDaemon.start(config, host)) {
            // A car on the arming loop: central's CLOSED waits for it (MODE_CHANGE_PENDING), then the power goes.
            lane.simulatedHardware().loops.get(dev.lanecontroller.hal.LoopId.ARMING).setOccupied(true);
            lane.inbox().offer(new LaneInput.Command("close-2", CommandKind.SET_MODE, LaneMode.CLOSED, "officer-7"));
            awaitTrue(() -> lane.journal().read(0, 1_000).stream().anyMatch(e -> e.type().equals("MODE_CHANGE_PENDING")), "the change waited for the car");
        }
        try (LaneDaemon lane = LaneDaemon.start(config, host)) {
            assertEquals(LaneMode.CLOSED, lane.shell().state().mode(), "what central asked for, once the lane is empty after the restart");
        }
    }

    @Test
    void aWaitingChangeDroppedByTheModeInForceStaysDroppedAfterARestart() throws Exception {
        LaneConfig config = simulatedLane("lane-14");
        Host host = Host.forTests(new PrintStream(new ByteArrayOutputStream(), true));
        try (LaneDaemon lane = LaneDaemon.start(config, host)) {
            // CLOSED waits for the car; then central asks for AUTOMATED, the mode in force: the CLOSED is dropped.
            lane.simulatedHardware().loops.get(dev.lanecontroller.hal.LoopId.ARMING).setOccupied(true);
            lane.inbox().offer(new LaneInput.Command("close-3", CommandKind.SET_MODE, LaneMode.CLOSED, "officer-7"));
            lane.inbox().offer(new LaneInput.Command("stay-3", CommandKind.SET_MODE, LaneMode.AUTOMATED, "officer-7"));
            awaitTrue(() -> lane.journal().read(0, 1_000).stream().anyMatch(e -> e.type().equals("MODE_UNCHANGED")), "the mode was kept");
        }
        try (LaneDaemon lane = LaneDaemon.start(config, host)) {
            assertEquals(LaneMode.AUTOMATED, lane.shell().state().mode(), "the dropped CLOSED does not come back with the restart");
        }
    }

    private LaneConfig simulatedLane(String laneId) throws Exception {
        return ConfigLoader.load(Files.writeString(dir.resolve("lane.yaml"), """
                lane: {id: %s}
                storage: {path: data/lane.db}
                health: {enabled: false}
                hardware:
                  kind: simulated
                  simulated: {traffic: false, demoListCards: 0}
                """.formatted(laneId)));
    }

    private static void awaitTrue(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 10_000;
        while (!condition.getAsBoolean()) {
            assertTrue(System.currentTimeMillis() < deadline, what);
            Thread.sleep(10);
        }
    }
}
