package dev.lanecontroller.tools.bench;

import dev.lanecontroller.core.LaneInput;
import dev.lanecontroller.core.LaneMode;
import dev.lanecontroller.core.LaneSettings;
import dev.lanecontroller.core.Now;
import dev.lanecontroller.core.Phase;
import dev.lanecontroller.hal.Gate;
import dev.lanecontroller.hal.GateDirection;
import dev.lanecontroller.hal.GateLimit;
import dev.lanecontroller.hal.LaneHardware;
import dev.lanecontroller.hal.LoopId;
import dev.lanecontroller.hal.ReadFilter;
import dev.lanecontroller.hal.TagRead;
import dev.lanecontroller.hal.sim.SimLane;
import dev.lanecontroller.hal.sim.VirtualScheduler;
import dev.lanecontroller.shell.LaneObserver;
import dev.lanecontroller.shell.LaneShell;
import dev.lanecontroller.sim.DemoList;
import dev.lanecontroller.store.ClearanceStore;
import dev.lanecontroller.store.Journal;
import java.util.ArrayDeque;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * Drives one vehicle at a time through a real lane shell (real list, real journal) and times its
 * decision: from the input that closes the read window to the first actuation call, the journal's
 * durable commit included. Virtual time for the lane, wall time for the measurement.
 */
final class DecisionDriver {
    /** Vehicles between polls of the lists in force: about a second's worth at this driver's pace. */
    static final int LIST_POLL_VEHICLES = 1_000;
    private final LaneShell shell;
    private final LaneSettings settings = LaneSettings.defaults("bench");
    private final SplittableRandom random;
    private final int cardCount;
    private final long[] actuatedAt = {0};
    private final GateDirection[] lastGateCommand = {null};
    private final long[] mono = {1_000_000};
    private final ArrayDeque<LaneInput> inbox = new ArrayDeque<>();
    private long cleared;
    private long vehicles;

    DecisionDriver(ClearanceStore store, Journal journal, int cardCount, SplittableRandom random) {
        this(store, journal, cardCount, random, LaneObserver.NONE);
    }

    /** With {@code observer} watching the lane, as the daemon's console, metrics and monitor do. */
    DecisionDriver(ClearanceStore store, Journal journal, int cardCount, SplittableRandom random, LaneObserver observer) {
        this.random = random;
        this.cardCount = cardCount;
        VirtualScheduler scheduler = new VirtualScheduler(1_000_000);
        LaneHardware ports = new SimLane(scheduler, 1_000, 1_000, true, true).ports();
        // The first output call after the decision (the gate for a clearance, the signal for a referral) stops the clock.
        LaneHardware timed = new LaneHardware(aspect -> {
            if (actuatedAt[0] == 0) {
                actuatedAt[0] = System.nanoTime();
            }
        }, new Gate() {
            @Override
            public void move(GateDirection direction) {
                if (actuatedAt[0] == 0) {
                    actuatedAt[0] = System.nanoTime();
                }
                lastGateCommand[0] = direction;
            }

            @Override
            public void onLimitReached(Consumer<GateLimit> listener) {
                // The driver reports the limits itself.
            }
        }, ports.loops(), ports.tagReader(), ports.plateReader(), ports.tamper());
        shell = LaneShell.assemble(settings, ReadFilter.ACCEPT_ALL, () -> 0.5, timed, journal, store,
                () -> new Now(mono[0], System.currentTimeMillis(), true), observer, inbox::add);
        shell.start();
        drainInbox(); // what the detectors reported as they were subscribed
    }

    /** The lane thread's turn: every input queued so far, in order. */
    private void handle(LaneInput input) {
        inbox.add(input);
        drainInbox();
    }

    private void drainInbox() {
        LaneInput input;
        while ((input = inbox.poll()) != null) {
            shell.handle(input);
        }
    }

    /** The lane's state now, as the lane thread leaves it between steps. */
    dev.lanecontroller.core.LaneState state() {
        return shell.state();
    }

    long cleared() {
        return cleared;
    }

    /** One vehicle: read, decide (timed), and through or away, so the next starts from an idle lane. Returns nanoseconds. */
    long decideOne() {
        mono[0] += 2_000;
        handle(new LaneInput.ReaderAlive());
        if (vehicles % LIST_POLL_VEHICLES == 0) {
            shell.refreshLists(); // as the lane thread does once a second; vehicles here come far faster than that
        }
        handle(new LaneInput.LoopChanged(LoopId.ARMING, true));
        for (int card = 0; card < 2; card++) {
            handle(new LaneInput.TagSeen(new TagRead(DemoList.epc(random.nextInt(cardCount)), null, 1, -50), null));
        }
        mono[0] += settings.readWindowMs();
        actuatedAt[0] = 0;
        long started = System.nanoTime();
        handle(new LaneInput.Tick());
        long latency = actuatedAt[0] - started;
        if (lastGateCommand[0] == GateDirection.UP) {
            cleared++;
            handle(new LaneInput.GateLimitReached(GateLimit.OPEN));
            handle(new LaneInput.LoopChanged(LoopId.ARMING, false));
            handle(new LaneInput.LoopChanged(LoopId.SAFETY, true));
            handle(new LaneInput.LoopChanged(LoopId.EXIT, true));
            mono[0] += 1_000;
            handle(new LaneInput.LoopChanged(LoopId.SAFETY, false));
            handle(new LaneInput.LoopChanged(LoopId.EXIT, false));
            mono[0] += settings.suppressionMs();
            handle(new LaneInput.ReaderAlive());
            handle(new LaneInput.GateLimitReached(GateLimit.CLOSED));
        } else {
            handle(new LaneInput.LoopChanged(LoopId.ARMING, false));
            mono[0] += settings.referralTimeoutMs();
            handle(new LaneInput.ReaderAlive());
        }
        lastGateCommand[0] = null;
        vehicles++;
        if (!(shell.state().phase() instanceof Phase.Idle) || shell.state().mode() != LaneMode.AUTOMATED) {
            throw new IllegalStateException("benchmark vehicle " + vehicles + " left the lane " + shell.state().phase() + " in "
                    + shell.state().mode());
        }
        return latency;
    }
}
