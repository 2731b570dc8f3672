package dev.lanecontroller.hal.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanecontroller.hal.LoopId;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SimPresenceDetectorTest {
    final VirtualScheduler time = new VirtualScheduler(0);
    final SimPresenceDetector loop = new SimPresenceDetector(LoopId.SAFETY, time);
    final List<Boolean> readings = new ArrayList<>();

    SimPresenceDetectorTest() {
        loop.onChange(readings::add);
    }

    void runUntil(long ms) {
        while (time.runNext(ms)) {
            // run every task due by then
        }
        time.advanceTo(ms);
    }

    @Test
    void aPersonOnTheLoopStillReadsWhenTheChatterEnds() {
        loop.setObstacle(true);
        loop.chatter(3, 100);
        runUntil(1_000);
        assertTrue(loop.isOccupied(), "a spurious flip never hides what is really over the loop");
        assertEquals(List.of(true), readings, "the flips only add occupancy, which was already read");
    }

    @Test
    void theLoopReadsOccupiedWhileTheVehicleOrTheObstacleOrTheFaultIsThere() {
        loop.setOccupied(true);
        loop.setObstacle(true);
        loop.setOccupied(false);
        assertTrue(loop.isOccupied(), "the obstacle is still there");
        loop.stickOccupied();
        loop.setObstacle(false);
        assertTrue(loop.isOccupied(), "stuck");
        loop.unstick();
        assertEquals(List.of(true, false), readings);
    }
}
