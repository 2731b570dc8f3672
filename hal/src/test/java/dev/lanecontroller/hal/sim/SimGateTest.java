package dev.lanecontroller.hal.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanecontroller.hal.GateDirection;
import dev.lanecontroller.hal.GateLimit;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SimGateTest {
    final VirtualScheduler time = new VirtualScheduler(0);
    final SimGate gate = new SimGate(time, 2_000);
    final List<String> limits = new ArrayList<>();

    SimGateTest() {
        gate.onLimitReached(limit -> limits.add(time.nowMs() + " " + limit));
        assertEquals(List.of("0 CLOSED"), limits, "the arm resting down is reported to whoever subscribes, like a real lane's switch");
        limits.clear();
    }

    void runUntil(long ms) {
        while (time.runNext(ms)) {
            // run every task due by then
        }
        time.advanceTo(ms);
    }

    @Test
    void theArmTakesItsTravelTimeAndReportsTheLimit() {
        gate.move(GateDirection.UP);
        runUntil(1_999);
        assertEquals(List.of(), limits);
        runUntil(2_000);
        assertEquals(List.of("2000 " + GateLimit.OPEN), limits);
        assertTrue(gate.isFullyOpen());
    }

    @Test
    void anArmReversedHalfwayGoesBackInHalfTheTime() {
        gate.move(GateDirection.UP);
        runUntil(2_000);
        gate.move(GateDirection.DOWN);
        runUntil(3_000);
        assertEquals(0.5, gate.openFraction(), 1e-9);
        gate.move(GateDirection.UP);
        runUntil(4_000);
        assertEquals(List.of("2000 OPEN", "4000 OPEN"), limits, "no CLOSED from the abandoned motion");
    }

    @Test
    void aJammedArmIgnoresCommandsAndReachesNoLimit() {
        gate.move(GateDirection.UP);
        runUntil(500);
        gate.jam();
        gate.move(GateDirection.DOWN);
        runUntil(10_000);
        assertEquals(List.of(), limits);
        assertEquals(0.25, gate.openFraction(), 1e-9);
        gate.unjam();
        gate.move(GateDirection.DOWN);
        runUntil(11_000);
        assertEquals(List.of("10500 CLOSED"), limits);
    }

    @Test
    void aStuckLoopReadsOccupiedUntilReleasedAndTheTrafficThenCounts() {
        SimPresenceDetector loop = new SimPresenceDetector(dev.lanecontroller.hal.LoopId.SAFETY, time);
        List<Boolean> changes = new ArrayList<>();
        loop.onChange(changes::add);
        loop.stickOccupied();
        loop.setOccupied(true);
        loop.setOccupied(false);
        assertTrue(loop.isOccupied());
        loop.unstick();
        assertEquals(List.of(true, false), changes);
    }
}
