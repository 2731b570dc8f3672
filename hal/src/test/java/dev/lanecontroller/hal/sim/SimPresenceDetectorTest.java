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

    /**
     * A lane that starts (again, after a power cut) over a vehicle must learn of it, as it does from
     * the GPIO lane: else it waits for a vehicle that is already there (found by the whole-lane
     * simulation, issue 18: twelve cars queued behind one the lane never saw).
     */
    @Test
    void aNewSubscriberHearsAtOnceThatAVehicleStandsOnTheLoop() {
        loop.setOccupied(true);
        List<Boolean> restarted = new ArrayList<>();
        loop.onChange(restarted::add);
        assertEquals(List.of(true), restarted);
        SimPresenceDetector clear = new SimPresenceDetector(LoopId.ARMING, time);
        List<Boolean> nothing = new ArrayList<>();
        clear.onChange(nothing::add);
        clear.setOccupied(true);
        assertEquals(List.of(true), nothing, "a clear loop says nothing until a vehicle comes");
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
