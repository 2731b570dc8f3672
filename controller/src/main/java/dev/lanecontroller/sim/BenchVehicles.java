package dev.lanecontroller.sim;

import dev.lanecontroller.hal.GateLimit;
import dev.lanecontroller.hal.LoopId;
import dev.lanecontroller.hal.Scheduler;
import dev.lanecontroller.hal.sim.SimLane;

/**
 * The vehicle on a bench (hardware.kind: bench, docs/hardware.md): the real reader and camera see a
 * card or a plate held up to them; once the simulated arm is up, a simulated vehicle drives over the
 * safety and exit loops, so the lane goes through its whole cycle (PASSAGE, the arm down again).
 */
public final class BenchVehicles {
    /** Front on the safety loop, on the exit loop, rear off the safety loop, off the exit loop: ms after the arm is up. */
    private static final long SAFETY_ON_MS = 500;
    private static final long EXIT_ON_MS = 1_200;
    private static final long SAFETY_OFF_MS = 1_800;
    private static final long EXIT_OFF_MS = 2_500;

    private BenchVehicles() {}

    public static void driveThroughWhenOpen(Scheduler scheduler, SimLane lane) {
        lane.gate.onLimitReached(limit -> {
            if (limit != GateLimit.OPEN) {
                return;
            }
            scheduler.after(SAFETY_ON_MS, () -> lane.loop(LoopId.SAFETY).setOccupied(true));
            if (lane.hasLoop(LoopId.EXIT)) {
                scheduler.after(EXIT_ON_MS, () -> lane.loop(LoopId.EXIT).setOccupied(true));
                scheduler.after(EXIT_OFF_MS, () -> lane.loop(LoopId.EXIT).setOccupied(false));
            }
            scheduler.after(SAFETY_OFF_MS, () -> lane.loop(LoopId.SAFETY).setOccupied(false));
        });
    }
}
