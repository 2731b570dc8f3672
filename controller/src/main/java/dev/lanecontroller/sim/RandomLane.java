package dev.lanecontroller.sim;

import dev.lanecontroller.config.LaneSetup;
import dev.lanecontroller.core.CommandKind;
import dev.lanecontroller.core.LaneEvent;
import dev.lanecontroller.core.LaneInput;
import dev.lanecontroller.core.LaneMode;
import dev.lanecontroller.core.LaneSettings;
import dev.lanecontroller.core.ListInfo;
import dev.lanecontroller.core.Now;
import dev.lanecontroller.core.Phase;
import dev.lanecontroller.core.Plates;
import dev.lanecontroller.hal.GateDirection;
import dev.lanecontroller.hal.LoopId;
import dev.lanecontroller.hal.ReadFilter;
import dev.lanecontroller.hal.SignalAspect;
import dev.lanecontroller.shell.LaneObserver;
import dev.lanecontroller.store.CardRecord;
import dev.lanecontroller.store.ClearanceLookup;
import dev.lanecontroller.store.Journal;
import dev.lanecontroller.store.JournalEntry;
import dev.lanecontroller.store.MemoryClearance;
import dev.lanecontroller.store.MemoryJournal;
import java.io.PrintStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * The seeded random lane (what {@code simulate --random} runs and the property test checks): settings
 * drawn from the seed, traffic with every driver behaviour, reads from the next lane, officers late
 * or absent, a technician who fixes and resets, injected faults (jammed gate, stuck or chattering
 * loops, silent reader, output and journal faults), mode changes, a mode change that waits for the
 * vehicle in the lane with a fault latching behind it, and close tailgaters a second behind a car.
 *
 * <p>The SafetyMonitor inside the shell checks the invariants of DESIGN §5 after every step (a
 * violation throws). Beyond them the run holds every close tailgater with a plate the camera can read
 * against the record: each clearance, confirm or release admits one vehicle, so a close tailgater
 * that goes under the arm after another vehicle did on the same one must have a TAILGATE within two
 * minutes. Memory is bounded whatever the number of vehicles.
 */
public final class RandomLane implements LaneObserver {
    /** What a run did, and the close tailgaters that went through unseen (at most the first few, and their count). */
    public record Result(long seed, long vehicles, long decisions, long faults, long steps, long laneTimeMs, long closeTailgaters,
                         long modeChangesBeforeFaults, long tailgates, long unseenCount, List<String> unseen, long faultsClearedThemselves,
                         long powerCuts, long crossingsCutShort) {
        public boolean clean() {
            return unseenCount == 0;
        }
    }

    private static final int UNSEEN_KEPT = 5;
    private static final long SUPERVISOR_ROUND_MS = 1_800_000;
    private static final long OFFICER_WALKS_OVER_MS = 60_000;
    /** A close tailgater is flagged within this of going under the arm (the plate evidence comes at the passage's end). */
    private static final long TAILGATE_WINDOW_MS = 120_000;

    private final long seed;
    private final SplittableRandom random;
    private final Simulation sim;
    private final Surroundings surroundings;
    private final TrafficGenerator generator;
    private long powerCuts;
    /** Close tailgaters under the arm, not flagged yet, when the power was cut: not held to the record. */
    private long crossingsCutShort;
    private long decisions;
    private long faults;
    private boolean technicianCalled;
    private long faultsClearedThemselves;
    private long closeTailgaters;
    private long modeChangesBeforeFaults;
    private long tailgates;
    private long unseenCount;
    private final List<String> unseen = new ArrayList<>();
    /** Close tailgaters in the lane (arrival time) and recent TAILGATEs: pruned as time goes. */
    private final Map<VehicleSpec, Long> tailgatersArrivedAtMs = new IdentityHashMap<>();
    private final Deque<Long> recentTailgatesAtMs = new ArrayDeque<>();
    /** Vehicles under the arm since the last clearance, confirm or release: the first is the one it admitted. */
    private long crossingsSinceAdmitted;
    /** Crossings waiting for the TAILGATE that may follow them. */
    private final Deque<Crossing> crossingsToJudge = new ArrayDeque<>();
    /** While a loop is stuck occupied the lane cannot see vehicles come and go on it (until its stuck fault). */
    private long blindSinceMs = -1;
    private long lastBlindEndMs = Long.MIN_VALUE;

    private record Crossing(VehicleSpec vehicle, long arrivedAtMs, long atMs) {}

    /**
     * What surrounds the lane. Alone ({@link #alone}), its journal is in memory and people's
     * commands go straight into its inbox; the whole-system simulation (issue 18) puts the real
     * store there, and central, which signs the commands and sends them through the link.
     */
    public interface Surroundings {
        /** The lists the lane decides on, {@code first} in force with {@code cards}. */
        ClearanceLookup lists(ListInfo first, List<CardRecord> cards);

        /** The journal the lane starts on. */
        Journal journal();

        /** The lane is made: the surroundings may schedule their own work on its scheduler. */
        void attach(RandomLane lane, Simulation sim);

        /** What an officer, technician or supervisor decided: it reaches the lane as a command. */
        void command(LaneInput.Command command);

        /** Every event the lane journals, after the lane's own observers had it. */
        void onEvent(JournalEntry entry);

        /** The run is ending: from here on nothing fails, so that the last commands arrive and the lane can come to rest. */
        void settle();
    }

    /** The lane alone: an in-memory journal, commands straight into the inbox. */
    private static Surroundings alone(long seed) {
        Journal journal = MemoryJournal.withoutHistory("random-" + seed);
        Simulation[] lane = new Simulation[1];
        return new Surroundings() {
            @Override
            public ClearanceLookup lists(ListInfo first, List<CardRecord> cards) {
                MemoryClearance clearance = new MemoryClearance();
                clearance.put(first, cards);
                return clearance;
            }

            @Override
            public Journal journal() {
                return journal;
            }

            @Override
            public void attach(RandomLane randomLane, Simulation sim) {
                lane[0] = sim;
            }

            @Override
            public void command(LaneInput.Command command) {
                lane[0].submit(command);
            }

            @Override
            public void onEvent(JournalEntry entry) {
                // Nothing beyond the lane.
            }

            @Override
            public void settle() {
                // Nothing fails outside the lane.
            }
        };
    }

    /** {@code out}: every event, output and input as {@link JsonLines}, or null for none. */
    public RandomLane(long seed, PrintStream out) {
        this(seed, out, alone(seed));
    }

    /** The lane in {@code surroundings}: the journal they hold, people's commands through them. */
    public RandomLane(long seed, PrintStream out, Surroundings surroundings) {
        this.seed = seed;
        this.surroundings = surroundings;
        random = new SplittableRandom(seed);
        LaneSettings d = LaneSettings.defaults("lane-random");
        boolean confirm = random.nextInt(4) == 0;
        boolean exitLoop = random.nextInt(5) != 0;
        LaneSettings settings = new LaneSettings(d.laneId(), LaneMode.AUTOMATED, true, exitLoop, Set.of("NEXUS"), random.nextBoolean(), 0,
                random.nextDouble() * 5, confirm, 60_000, 8, 30L * 24 * 3600 * 1000, 1_000 + random.nextInt(1_500), 1_000,
                10_000 + random.nextInt(20_000), 4_000, 10_000, 120_000, 300_000, 10, 2_000, 5_000);
        List<CardRecord> cards = DemoList.cards(3_000, seed);
        long start = 1_795_852_800_000L;
        ClearanceLookup clearance = surroundings.lists(new ListInfo("NEXUS", 1, start, ListInfo.NO_EXPIRY, cards.size()), cards);
        JsonLines lines = out == null ? null : new JsonLines(out);
        // The line of an event comes before what the officers and the technician do about it.
        LaneObserver observer = lines == null ? this : lines.andThen(this);
        // A photo-eye beside the safety loop on a third of the lanes (drawn apart, so the other draws stay as they were).
        boolean photoEye = new SplittableRandom(seed ^ 0x9E3779B97F4A7C15L).nextInt(3) == 0;
        sim = new Simulation(new LaneSetup(settings, new ReadFilter(Set.of(1, 2), -90)), 1_000 + random.nextInt(2_000), 1_000, photoEye,
                clearance, surroundings.journal(), start, true, seed, 0.02, observer);
        if (lines != null) {
            lines.watchInputs(sim);
        }
        generator = new TrafficGenerator(cards, new SplittableRandom(seed * 31), true);
        sim.traffic.onGateLineCrossed(this::crossed);
        surroundings.attach(this, sim);
    }

    /**
     * The power is cut and comes back: the daemon starts again on {@code reopened} and
     * {@code reopenedLists}, as the store durably holds them; the devices, on their own supply, stay as they are. What the lane
     * knew of the vehicles in it is gone, so close tailgaters that arrived before the cut are not
     * held against the record.
     */
    public void powerCut(Journal reopened, ClearanceLookup reopenedLists) {
        powerCuts++;
        sim.restart(false, reopened, reopenedLists);
        lastBlindEndMs = Math.max(lastBlindEndMs, sim.scheduler.nowMs());
        crossingsSinceAdmitted = 0;
        // A close tailgater is flagged at its passage's end: one under the arm shortly before the cut,
        // not flagged yet, was in a passage the dead process knew of and the new one does not (or
        // its TAILGATE was held for a full disk and died with it). It cannot be held to the record.
        long now = sim.scheduler.nowMs();
        crossingsToJudge.removeIf(crossing -> {
            boolean flagged = recentTailgatesAtMs.stream().anyMatch(at -> Math.abs(at - crossing.atMs()) <= TAILGATE_WINDOW_MS);
            if (!flagged && crossing.atMs() + TAILGATE_WINDOW_MS > now) {
                crossingsCutShort++;
                return true;
            }
            return false;
        });
        // A car on the arming loop as the lane started is not decided again (it may have been
        // referred before the cut): an officer walks over and turns it back to be dealt with by hand.
        sim.scheduler.after(OFFICER_WALKS_OVER_MS, () -> {
            if (sim.shell().state().armingHeldSinceStart()) {
                sim.traffic.turnBackTheWaitingVehicle();
            }
        });
    }

    public Result run(long vehicles) {
        long added = 0;
        long nextFaultMs = 600_000 + random.nextInt(1_200_000);
        long nextModeChangeMs = 1_800_000 + random.nextInt(3_600_000);
        long nextRoundMs = SUPERVISOR_ROUND_MS;
        while (added < vehicles) {
            long gap = generator.nextGapMs(400 + random.nextInt(400));
            sim.runUntil(sim.elapsedMs() + gap);
            if (sim.traffic.vehiclesInLane() < 12) {
                sim.traffic.add(generator.next());
                added++;
                if (random.nextInt(40) == 0 && added < vehicles) {
                    // A close tailgater: a second car a second behind, through on the first one's green.
                    sim.runUntil(sim.elapsedMs() + 1_000);
                    VehicleSpec tailgater = generator.nextCloseTailgater();
                    tailgatersArrivedAtMs.put(tailgater, sim.scheduler.nowMs());
                    sim.traffic.add(tailgater);
                    added++;
                    closeTailgaters++;
                }
            }
            if (sim.elapsedMs() >= nextFaultMs) {
                if (!(sim.shell().state().phase() instanceof Phase.Idle) && random.nextBoolean()) {
                    // A mode change that must wait for the vehicle in the lane, and a fault while it waits:
                    // only a FAULT_RESET may end that fault (invariant 6), never the waiting change.
                    changeMode();
                    sim.runUntil(sim.elapsedMs() + random.nextInt(5_000));
                    modeChangesBeforeFaults++;
                }
                injectFault();
                nextFaultMs = sim.elapsedMs() + 300_000 + random.nextInt(3_600_000);
            }
            if (sim.elapsedMs() >= nextRoundMs) {
                supervisorsRound();
                nextRoundMs = sim.elapsedMs() + SUPERVISOR_ROUND_MS;
            }
            if (sim.elapsedMs() >= nextModeChangeMs) {
                changeMode();
                nextModeChangeMs = sim.elapsedMs() + 1_800_000 + random.nextInt(7_200_000);
            }
            judgeCrossings(false);
        }
        // Everything must come to rest: no state waits forever (invariant 5).
        surroundings.settle();
        sim.runUntil(sim.elapsedMs() + 3_600_000);
        fixEverything();
        command(new LaneInput.Command("end-reset", CommandKind.FAULT_RESET, null, "tech"));
        command(new LaneInput.Command("end-mode", CommandKind.SET_MODE, LaneMode.AUTOMATED, "supervisor"));
        sim.runUntil(sim.elapsedMs() + 1_800_000);
        Phase phase = sim.shell().state().phase();
        if (!(phase instanceof Phase.Idle)) {
            throw new IllegalStateException("seed " + seed + ": the lane did not come to rest: " + phase + " in " + sim.shell().state().mode());
        }
        judgeCrossings(true);
        return new Result(seed, added, decisions, faults, sim.shell().steps(), sim.elapsedMs(), closeTailgaters, modeChangesBeforeFaults,
                tailgates, unseenCount, List.copyOf(unseen), faultsClearedThemselves, powerCuts, crossingsCutShort);
    }

    private void crossed(VehicleSpec vehicle, long atMs) {
        boolean admitted = crossingsSinceAdmitted++ == 0;
        Long arrived = tailgatersArrivedAtMs.remove(vehicle);
        if (arrived == null || vehicle.plateText() == null || admitted) {
            return; // only close tailgaters the camera can read, going through on another's opening, are held to the record
        }
        boolean blind = blindSinceMs >= 0 || lastBlindEndMs >= arrived;
        if (!blind) {
            crossingsToJudge.add(new Crossing(vehicle, arrived, atMs));
        }
    }

    /** Judges the crossings whose TAILGATE window has passed ({@code all}: every one, at the end of the run). */
    private void judgeCrossings(boolean all) {
        long now = sim.scheduler.nowMs();
        while (!crossingsToJudge.isEmpty() && (all || crossingsToJudge.peekFirst().atMs() + TAILGATE_WINDOW_MS < now)) {
            Crossing crossing = crossingsToJudge.pollFirst();
            boolean flagged = recentTailgatesAtMs.stream().anyMatch(at -> Math.abs(at - crossing.atMs()) <= TAILGATE_WINDOW_MS);
            if (!flagged) {
                unseenCount++;
                if (unseen.size() < UNSEEN_KEPT) {
                    unseen.add(Plates.key(crossing.vehicle().plateJurisdiction(), crossing.vehicle().plateText()) + " under the arm at t="
                            + (crossing.atMs() - Simulation.START_MONO_MS) + " ms, arrived at t=" + (crossing.arrivedAtMs() - Simulation.START_MONO_MS));
                }
            }
        }
        long keepFrom = (crossingsToJudge.isEmpty() ? now : crossingsToJudge.peekFirst().atMs()) - TAILGATE_WINDOW_MS;
        while (!recentTailgatesAtMs.isEmpty() && recentTailgatesAtMs.peekFirst() < keepFrom) {
            recentTailgatesAtMs.pollFirst();
        }
    }

    private void injectFault() {
        faults++;
        switch (random.nextInt(8)) {
            case 0 -> sim.hardware.gate.jam();
            case 1 -> stick(LoopId.SAFETY);
            case 2 -> stick(LoopId.ARMING);
            case 3 -> sim.hardware.loop(random.nextBoolean() ? LoopId.SAFETY : LoopId.ARMING).chatter(12 + random.nextInt(20),
                    20 + random.nextInt(80));
            case 4 -> sim.hardware.tagReader.setSilent(true);
            case 5 -> sim.submit(new LaneInput.HardwareFault("output", "signal read back differs from command"));
            case 6 -> {
                // An antenna cable works loose: the reader says so. Half the time it seats itself again (or
                // flaps, saying so again), else it stays loose until the technician comes.
                sim.hardware.tagReader.setTrouble("antenna " + (1 + random.nextInt(2)) + " disconnected (injected)");
                if (random.nextBoolean()) {
                    sim.scheduler.after(1_000 + random.nextInt(90_000), () -> sim.hardware.tagReader.setTrouble(null));
                }
            }
            default -> sim.submit(new LaneInput.HardwareFault("journal", "disk I/O error (injected)"));
        }
    }

    private void stick(LoopId loop) {
        sim.hardware.loop(loop).stickOccupied();
        if (blindSinceMs < 0) {
            blindSinceMs = sim.scheduler.nowMs();
        }
    }

    private void changeMode() {
        LaneMode[] modes = {LaneMode.CLOSED, LaneMode.MANUAL, LaneMode.MAINTENANCE, LaneMode.AUTOMATED, LaneMode.AUTOMATED};
        LaneMode mode = modes[random.nextInt(modes.length)];
        command(new LaneInput.Command("mode-" + sim.elapsedMs(), CommandKind.SET_MODE, mode, "supervisor"));
        if (mode != LaneMode.AUTOMATED) {
            long back = 300_000 + random.nextInt(1_800_000);
            sim.scheduler.after(back, () -> command(new LaneInput.Command("mode-back", CommandKind.SET_MODE, LaneMode.AUTOMATED,
                    "supervisor")));
        }
    }

    /** A person's command: into the lane's inbox, or through central and the link. */
    private void command(LaneInput.Command command) {
        surroundings.command(command);
    }

    private void fixEverything() {
        if (blindSinceMs >= 0) {
            lastBlindEndMs = sim.scheduler.nowMs();
            blindSinceMs = -1;
        }
        sim.hardware.gate.unjam();
        sim.hardware.loops.values().forEach(loop -> loop.unstick());
        sim.hardware.tagReader.setSilent(false);
        sim.hardware.tagReader.setTrouble(null);
    }

    @Override
    public void onEvent(JournalEntry entry) {
        switch (entry.type()) {
            case "TAILGATE" -> {
                tailgates++;
                recentTailgatesAtMs.add(entry.monoMs());
            }
            case "RELEASED", "CONFIRMED" -> crossingsSinceAdmitted = 0;
            case "DECISION" -> {
                decisions++;
                LaneEvent.DecisionMade decision = (LaneEvent.DecisionMade) entry.event();
                boolean cleared = decision.outcome().equals("CLEARED");
                if (cleared && !decision.officerConfirm()) {
                    crossingsSinceAdmitted = 0;
                }
                if (cleared && decision.officerConfirm() && random.nextInt(10) != 0) {
                    long delay = 500 + random.nextInt(14_000);
                    sim.scheduler.after(delay, () -> command(new LaneInput.Command("c" + entry.seq(), CommandKind.CONFIRM, null, "officer")));
                } else if (!cleared && random.nextInt(10) != 0) {
                    long delay = 2_000 + random.nextInt(60_000);
                    sim.scheduler.after(delay, () -> command(new LaneInput.Command("r" + entry.seq(), CommandKind.RELEASE, null, "officer")));
                }
            }
            case "REFERRAL_TIMEOUT" -> sim.scheduler.after(1_000 + random.nextInt(10_000),
                    () -> command(new LaneInput.Command("late" + entry.seq(), CommandKind.RELEASE, null, "officer")));
            case "FAULT_CLEARED" -> faultsClearedThemselves++;
            case "FAULT" -> callTechnician();
            default -> { }
        }
        surroundings.onEvent(entry);
    }

    /** A technician comes, fixes the devices and resets the fault (or, hasty, resets first: the fault shows itself again). */
    private void callTechnician() {
        if (technicianCalled) {
            return;
        }
        technicianCalled = true;
        boolean resetFirst = random.nextInt(4) == 0;
        sim.scheduler.after(30_000 + random.nextInt(120_000), () -> {
            technicianCalled = false;
            if (!resetFirst) {
                fixEverything();
            }
            command(new LaneInput.Command("reset", CommandKind.FAULT_RESET, null, "tech"));
            if (resetFirst) {
                fixEverything();
            }
        });
    }

    /**
     * The supervisor's round, every half hour: a lane still in FAULT (its reset lost on the way, or
     * refused while the journal failed) gets a technician again.
     */
    private void supervisorsRound() {
        if (sim.shell().state().mode() == LaneMode.FAULT) {
            callTechnician();
        }
    }

    @Override
    public void onSignal(SignalAspect aspect, Now at) {
        // The monitor inside the shell checks every output.
    }

    @Override
    public void onGate(GateDirection direction, Now at) {
        // The monitor inside the shell checks every output.
    }
}
