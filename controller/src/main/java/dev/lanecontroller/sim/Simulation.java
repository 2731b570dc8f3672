package dev.lanecontroller.sim;

import dev.lanecontroller.config.LaneSetup;
import dev.lanecontroller.core.LaneInput;
import dev.lanecontroller.core.Now;
import dev.lanecontroller.core.RandomSource;
import dev.lanecontroller.hal.Listeners;
import dev.lanecontroller.hal.sim.SimLane;
import dev.lanecontroller.hal.sim.VirtualScheduler;
import dev.lanecontroller.shell.LaneObserver;
import dev.lanecontroller.shell.LaneShell;
import dev.lanecontroller.core.ListInfo;
import dev.lanecontroller.store.CardRecord;
import dev.lanecontroller.store.ClearanceLookup;
import dev.lanecontroller.store.MemoryClearance;
import dev.lanecontroller.store.Journal;
import java.util.ArrayDeque;
import java.util.List;
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
    private final LaneSetup setup;
    private final RandomSource random;
    /** Replaced with the journal when the power is cut. */
    private ClearanceLookup lists;
    /** Replaced when the power is cut: the lane starts again on what the store durably holds. */
    private Journal journal;
    private final LaneObserver observer;
    private LaneShell shell;
    /** Which lane (since the last restart) the devices' reports go to: a stopped daemon's subscriptions die with it. */
    private int generation;
    private final ArrayDeque<LaneInput> inbox = new ArrayDeque<>();
    private final long startWallMs;
    private boolean clockSynced;
    /** What the wall clock has been stepped by since the start (the clock-fault campaign steps it). */
    private long wallStepMs;
    private long tickScheduledAtMs = Long.MIN_VALUE;

    public Simulation(LaneSetup setup, long gateTravelMs, long readerHeartbeatIntervalMs, ClearanceLookup lists,
                      Journal journal, long startWallMs, boolean clockSynced, long seed, double foreignReadsPerTick,
                      LaneObserver observer) {
        this(setup, gateTravelMs, readerHeartbeatIntervalMs, false, lists, journal, startWallMs, clockSynced, seed, foreignReadsPerTick,
                observer);
    }

    /** {@code photoEye}: the lane has a photo-eye at the arm beside its safety loop. */
    public Simulation(LaneSetup setup, long gateTravelMs, long readerHeartbeatIntervalMs, boolean photoEye, ClearanceLookup lists,
                      Journal journal, long startWallMs, boolean clockSynced, long seed, double foreignReadsPerTick,
                      LaneObserver observer) {
        this.setup = setup;
        this.lists = lists;
        this.journal = journal;
        this.observer = observer;
        this.startWallMs = startWallMs;
        this.clockSynced = clockSynced;
        hardware = new SimLane(scheduler, gateTravelMs, readerHeartbeatIntervalMs, setup.settings().hasArmingLoop(),
                setup.settings().hasExitLoop(), photoEye);
        SplittableRandom decisions = new SplittableRandom(seed);
        random = decisions::nextDouble;
        traffic = new Traffic(scheduler, hardware, new SplittableRandom(seed ^ 0x5DEECE66DL), foreignReadsPerTick);
        startLane();
        hardware.tagReader.start();
        afterTask();
    }

    /** A lane on these devices and this journal, as a daemon starting: the devices report their state to it as it subscribes. */
    private void startLane() {
        int lane = ++generation;
        shell = LaneShell.assemble(setup.settings(), setup.readFilter(), random, hardware.ports(), journal, lists, this::now, observer,
                input -> {
                    if (lane != generation) {
                        throw new Listeners.Gone(); // a restarted lane's devices forget the dead one
                    }
                    inbox.add(input);
                });
        shell.start();
    }

    /**
     * The daemon stops ({@code clean}: LANE_STOPPED journaled, as systemd's stop) or dies (a crash, a
     * watchdog kill: nothing more journaled) and starts again on the same journal and lists, the
     * devices as they are: what was in the inbox is lost with the process.
     */
    public void restart(boolean clean) {
        restart(clean, journal, lists);
    }

    /**
     * The daemon starts again on {@code reopened} and {@code reopenedLists}: the stores as a power
     * cut left them (a whole-system simulation reopens them from what they durably hold).
     */
    public void restart(boolean clean, Journal reopened, ClearanceLookup reopenedLists) {
        if (clean) {
            shell.handle(new LaneInput.Stop());
        }
        inbox.clear();
        journal = reopened;
        lists = reopenedLists;
        tickScheduledAtMs = Long.MIN_VALUE;
        startLane();
        afterTask();
    }

    /** Where central's signed commands go (a scenario's {@link ScenarioCentral}); none until one is attached. */
    private java.util.function.Consumer<ScenarioCentral.SignedCommand> central = command -> {
        throw new IllegalStateException("a signed command in a simulation without central's keys");
    };

    void attachCentral(java.util.function.Consumer<ScenarioCentral.SignedCommand> commands) {
        central = commands;
    }

    /** Into the inbox only, as the daemon's link hands the lane a command: the lane takes it after the handler is done. */
    public void enqueue(LaneInput input) {
        inbox.add(input);
    }

    /** Central signs and sends a command; the lane's command handler checks it like the daemon's. */
    void fromCentral(ScenarioCentral.SignedCommand command) {
        central.accept(command);
        afterTask();
    }

    /** A list version central sent comes into force (the link's swap, then its report to the lane). */
    public void putList(ListInfo list, List<CardRecord> cards) {
        memoryLists().put(list, cards);
        submit(new LaneInput.ListInForce(list));
    }

    /** The cards of a program's list in force (a delta starts from them). */
    public List<CardRecord> listCards(String program) {
        return memoryLists().records(program);
    }

    private MemoryClearance memoryLists() {
        if (lists instanceof MemoryClearance memory) {
            return memory;
        }
        throw new IllegalStateException("lists arrive mid-run only in a simulation whose lists are in memory");
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
