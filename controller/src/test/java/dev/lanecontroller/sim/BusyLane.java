package dev.lanecontroller.sim;

import dev.lanecontroller.config.LaneSetup;
import dev.lanecontroller.core.CommandKind;
import dev.lanecontroller.core.LaneInput;
import dev.lanecontroller.core.LaneMode;
import dev.lanecontroller.core.LaneSettings;
import dev.lanecontroller.core.LaneState;
import dev.lanecontroller.core.Phase;
import dev.lanecontroller.core.ListInfo;
import dev.lanecontroller.core.Now;
import dev.lanecontroller.hal.GateDirection;
import dev.lanecontroller.hal.ReadFilter;
import dev.lanecontroller.hal.SignalAspect;
import dev.lanecontroller.shell.LaneObserver;
import dev.lanecontroller.store.CardRecord;
import dev.lanecontroller.store.ClearanceLookup;
import dev.lanecontroller.store.EventDraft;
import dev.lanecontroller.store.Journal;
import dev.lanecontroller.store.JournalEntry;
import dev.lanecontroller.store.MemoryClearance;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * A lane in virtual time under steady member traffic (300 vehicles/h, a few misbehaving: well inside what the lane passes, so a queue built up in a fault drains afterwards), with an
 * officer who releases every referred vehicle after 8 s: the fault campaigns run it for hours of
 * virtual time against the journal they want to hurt.
 */
public final class BusyLane {
    public static final long START_WALL_MS = 1_795_852_800_000L; // 2026-11-28T00:00:00Z
    public static final double VEHICLES_PER_HOUR = 300;

    /** The cards the traffic carries (most of them members on the list). */
    public static final List<CardRecord> CARDS = DemoList.cards(5_000, 7);

    public final Simulation sim;
    /** Every gate command and signal aspect driven, with the monotonic time: the campaigns check them against faults. */
    public final List<String> outputs = new ArrayList<>();
    private final Journal journal;
    private final TrafficGenerator generator;
    private final Map<String, Integer> eventsByType = new HashMap<>();
    private final List<JournalEntry> events = new ArrayList<>();
    private long nextArrivalMs;

    public BusyLane(Journal journal, long seed) {
        this(journal, seed, START_WALL_MS);
    }

    /** {@code listIssuedWallMs}: when central signed the list in force (the lane's clock starts at {@link #START_WALL_MS}). */
    public BusyLane(Journal journal, long seed, long listIssuedWallMs) {
        this(journal, seed, memoryList(listIssuedWallMs), true);
    }

    /** {@code clockSyncedAtBoot} false: the wall clock is not synchronised from the first event on. */
    public BusyLane(Journal journal, long seed, long listIssuedWallMs, boolean clockSyncedAtBoot) {
        this(journal, seed, memoryList(listIssuedWallMs), clockSyncedAtBoot);
    }

    /** Against a clearance store of the test's own (it must hold {@link #CARDS}). */
    public BusyLane(Journal journal, long seed, ClearanceLookup clearance) {
        this(journal, seed, clearance, true);
    }

    private BusyLane(Journal journal, long seed, ClearanceLookup clearance, boolean clockSyncedAtBoot) {
        this.journal = journal;
        generator = new TrafficGenerator(CARDS, new SplittableRandom(seed), true);
        Simulation[] self = new Simulation[1];
        LaneObserver officer = new LaneObserver() {
            @Override
            public void onEvent(JournalEntry entry) {
                events.add(entry);
                eventsByType.merge(entry.type(), 1, Integer::sum);
            }

            @Override
            public void onSignal(SignalAspect aspect, Now at) {
                outputs.add(at.monoMs() + " " + aspect);
            }

            @Override
            public void onGate(GateDirection direction, Now at) {
                outputs.add(at.monoMs() + " " + direction);
            }
        };
        sim = new Simulation(new LaneSetup(LaneSettings.defaults("lane-busy"), new ReadFilter(Set.of(1, 2), -90)), 1_500, 1_000,
                clearance, journal, START_WALL_MS, clockSyncedAtBoot, seed, 0.01, officer);
        self[0] = sim;
        patrol();
        nextArrivalMs = generator.nextGapMs(VEHICLES_PER_HOUR);
    }

    /** The officer looks at the lane every 5 s and releases a vehicle referred 8 s or more ago (not in FAULT: the lane refuses). */
    private void patrol() {
        LaneState state = sim.shell().state();
        if (state.phase() instanceof Phase.Referred referred && state.mode() != LaneMode.FAULT && sim.now().monoMs() - referred.sinceMs() >= 8_000) {
            sim.submit(new LaneInput.Command("release-" + referred.transactionId() + "-" + sim.now().monoMs(), CommandKind.RELEASE, null,
                    "officer"));
        }
        sim.scheduler.after(5_000, this::patrol);
    }

    private static MemoryClearance memoryList(long issuedWallMs) {
        MemoryClearance clearance = new MemoryClearance();
        clearance.put(new ListInfo("NEXUS", 1, issuedWallMs, ListInfo.NO_EXPIRY, CARDS.size()), CARDS);
        return clearance;
    }

    /** Gate openings and greens driven at or after monotonic {@code fromMonoMs}. */
    public List<String> openingsSince(long fromMonoMs) {
        return outputs.stream().filter(o -> Long.parseLong(o.substring(0, o.indexOf(' '))) >= fromMonoMs)
                .filter(o -> o.endsWith(" UP") || o.endsWith(" PROCEED")).toList();
    }

    /** Runs the traffic up to {@code elapsedMs} after the start. */
    public void runUntil(long elapsedMs) {
        while (nextArrivalMs <= elapsedMs) {
            sim.runUntil(nextArrivalMs);
            try {
                sim.traffic.add(generator.next());
            } catch (IllegalStateException e) {
                throw new IllegalStateException(e.getMessage() + " at " + sim.elapsedMs() + " ms: " + this, e);
            }
            nextArrivalMs += generator.nextGapMs(VEHICLES_PER_HOUR);
        }
        sim.runUntil(elapsedMs);
    }

    /** Journals an event from outside the lane core (as the central link does), at the lane's time now. */
    public JournalEntry record(dev.lanecontroller.core.LaneEvent event) {
        JournalEntry entry = journal.append(List.of(EventDraft.of(event, sim.now()))).get(0);
        events.add(entry);
        eventsByType.merge(entry.type(), 1, Integer::sum);
        return entry;
    }

    @Override
    public String toString() {
        return "lane " + sim.shell().state().mode() + " " + sim.shell().state().faultCause() + " " + sim.shell().state().phase()
                + ", events " + new java.util.TreeMap<>(eventsByType);
    }

    public int events(String type) {
        return eventsByType.getOrDefault(type, 0);
    }

    /** Every event the lane journaled (and saw journaled) so far, in order. */
    public List<JournalEntry> events() {
        return events;
    }
}
