package dev.lanecontroller.sim;

import dev.lanecontroller.config.LaneSetup;
import dev.lanecontroller.core.LaneInput;
import dev.lanecontroller.core.Now;
import dev.lanecontroller.core.RandomSource;
import dev.lanecontroller.hal.sim.SimLane;
import dev.lanecontroller.hal.sim.VirtualScheduler;
import dev.lanecontroller.shell.LaneObserver;
import dev.lanecontroller.shell.LaneShell;
import dev.lanecontroller.store.ClearanceLookup;
import dev.lanecontroller.store.Journal;
import java.util.ArrayDeque;
import java.util.SplittableRandom;

/**
 * A lane in virtual time: the real core and shell, simulated devices, a journal, and the
 * scheduler that drives them. Inputs are processed in the order they happen; time jumps from one
 * scheduled thing to the next, so a day of traffic takes seconds and replays exactly from the seed.
 */
public final class Simulation {
    /** Virtual monotonic time starts here so that "0" never means "unset". */
    public static final long START_MONO_MS = 1_000_000;

    public final VirtualScheduler scheduler = new VirtualScheduler(START_MONO_MS);
    public final SimLane hardware;
    public final Traffic traffic;
    private final LaneShell shell;
    private final ArrayDeque<LaneInput> inbox = new ArrayDeque<>();
    private final long startWallMs;
    private boolean clockSynced;
    /** What the wall clock has been stepped by since the start (the clock-fault campaign steps it). */
    private long wallStepMs;
    private long tickScheduledAtMs = Long.MIN_VALUE;

    public Simulation(LaneSetup setup, long gateTravelMs, long readerHeartbeatIntervalMs, ClearanceLookup clearance,
                      Journal journal, long startWallMs, boolean clockSynced, long seed, double foreignReadsPerTick,
                      LaneObserver observer) {
        this.startWallMs = startWallMs;
        this.clockSynced = clockSynced;
        hardware = new SimLane(scheduler, gateTravelMs, readerHeartbeatIntervalMs, setup.settings().hasArmingLoop(),
                setup.settings().hasExitLoop());
        SplittableRandom decisions = new SplittableRandom(seed);
        RandomSource random = decisions::nextDouble;
        traffic = new Traffic(scheduler, hardware, new SplittableRandom(seed ^ 0x5DEECE66DL), foreignReadsPerTick);
        shell = LaneShell.assemble(setup.settings(), setup.readFilter(), random, hardware.ports(), journal, clearance, this::now,
                observer, inbox::add);
        hardware.tagReader.start();
        shell.start();
        afterTask();
    }

    public Now now() {
        long mono = scheduler.nowMs();
        return new Now(mono, startWallMs + (mono - START_MONO_MS) + wallStepMs, clockSynced);
    }

    public long elapsedMs() {
        return scheduler.nowMs() - START_MONO_MS;
    }

    public LaneShell shell() {
        return shell;
    }

    public void setClockSynced(boolean synced) {
        clockSynced = synced;
    }

    /** Steps the wall clock (not the monotonic one) by {@code deltaMs}, as NTP or an operator would. */
    public void stepWallClock(long deltaMs) {
        wallStepMs += deltaMs;
    }

    /** An input from outside the hardware (a command, a list, a fault report), processed at once. */
    public void submit(LaneInput input) {
        inbox.add(input);
        afterTask();
    }

    /** Runs everything due up to {@code elapsedMs} after the start, then sets the clock there. */
    public void runUntil(long elapsedMs) {
        long limit = START_MONO_MS + elapsedMs;
        while (scheduler.runNext(limit)) {
            afterTask();
        }
        if (scheduler.nowMs() < limit) {
            scheduler.advanceTo(limit);
        }
    }

    private void afterTask() {
        LaneInput input;
        while ((input = inbox.poll()) != null) {
            shell.handle(input);
        }
        long deadline = shell.nextDeadlineMs();
        if (deadline != Long.MAX_VALUE && deadline != tickScheduledAtMs) {
            tickScheduledAtMs = deadline;
            scheduler.at(deadline, () -> inbox.add(new LaneInput.Tick()));
        }
    }
}
