package dev.lanecontroller.shell;

import dev.lanecontroller.core.Lane;
import dev.lanecontroller.core.LaneSettings;
import dev.lanecontroller.core.RandomSource;
import dev.lanecontroller.hal.ReadFilter;
import java.util.function.Consumer;
import dev.lanecontroller.core.LaneAction;
import dev.lanecontroller.core.LaneInput;
import dev.lanecontroller.core.LaneState;
import dev.lanecontroller.core.ListInfo;
import dev.lanecontroller.core.LogThinning;
import dev.lanecontroller.core.Now;
import dev.lanecontroller.core.SafetyMonitor;
import dev.lanecontroller.hal.GateDirection;
import dev.lanecontroller.hal.LaneHardware;
import dev.lanecontroller.hal.SignalAspect;
import dev.lanecontroller.store.ClearanceLookup;
import dev.lanecontroller.store.EventDraft;
import dev.lanecontroller.store.HeldEvents;
import dev.lanecontroller.store.Journal;
import dev.lanecontroller.store.JournalEntry;
import dev.lanecontroller.store.StoreException;
import dev.lanecontroller.core.LaneMode;
import dev.lanecontroller.core.LaneEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Runs the lane core against real (or simulated) ports. Not thread-safe: one lane thread calls
 * {@link #handle}. The order of work in a step is fixed: events are made durable in one journal
 * commit before the first output after them is touched (DESIGN §5, invariant 4).
 */
public final class LaneShell {
    private static final System.Logger LOG = System.getLogger(LaneShell.class.getName());
    /** The events an opening of the gate rests on: refused, they leave the step not durable. */
    private static final java.util.Set<String> AUTHORISING_EVENTS = java.util.Set.of("DECISION", "RELEASED", "CONFIRMED");
    /** Read once at start, for the mode a command left the lane in; written only through {@link #writer}. */
    private final Journal journal;
    /** A lane in FAULT journals a few events a minute: 10,000 is days of a failed disk. */
    public static final int HELD_EVENTS_MAX = 10_000;

    private final Lane lane;
    private final LaneHardware hardware;
    private final ClearanceLookup clearance;
    private final Supplier<Now> clock;
    private final LaneObserver observer;
    private final SafetyMonitor monitor;
    /** Volatile: the central link reads it (for its status) from its own thread. */
    private volatile LaneState state;
    private volatile boolean journalFailing;
    /**
     * What a failed journal write left behind goes to the journal ahead of the next events once the
     * disk takes writes again; until then no output that needs a durable record (a green, an
     * opening gate) is driven.
     */
    private final HeldEvents writer;
    private long lookupFailures;
    private long steps;

    /**
     * The one way a lane is put together, whatever runs it (the daemon, a simulation, a benchmark):
     * the core on {@code settings}, the shell over {@code hardware}, and every input port of the
     * hardware subscribed to {@code inbox}, so no input reaches the core by another road (DESIGN §3).
     * The caller starts the shell on the thread that will own it ({@link #start()}).
     */
    public static LaneShell assemble(LaneSettings settings, ReadFilter readFilter, RandomSource random, LaneHardware hardware,
                                     Journal journal, ClearanceLookup clearance, Supplier<Now> clock, LaneObserver observer,
                                     Consumer<LaneInput> inbox) {
        LaneShell shell = new LaneShell(new Lane(settings, random), hardware, journal, clearance, clock, observer);
        HardwareInputs.subscribe(hardware, readFilter, inbox);
        return shell;
    }

    private LaneShell(Lane lane, LaneHardware hardware, Journal journal, ClearanceLookup clearance, Supplier<Now> clock,
                      LaneObserver observer) {
        this.lane = lane;
        this.hardware = hardware;
        this.writer = new HeldEvents(journal, HELD_EVENTS_MAX, "the lane");
        this.journal = journal;
        this.clearance = clearance;
        this.clock = clock;
        this.observer = Objects.requireNonNull(observer, "observer");
        Now now = clock.get();
        this.state = lane.initialState(now);
        this.monitor = new SafetyMonitor(lane, now.monoMs());
    }

    /** The first step: outputs to their safe state, and the lists in force made known to the core. */
    public void start() {
        String unreadable = null;
        LaneMode restored = null;
        try {
            String mode = journal.commandedMode();
            restored = mode == null ? null : LaneMode.valueOf(mode);
        } catch (StoreException | IllegalArgumentException e) {
            unreadable = e.getMessage();
        }
        handle(new LaneInput.Start(restored));
        if (unreadable != null) {
            // Central may have closed this lane: starting in the configured mode could open it. FAULT
            // (safe, latched) until a technician or central resets it.
            handle(new LaneInput.HardwareFault("journal", "the mode last commanded cannot be read: " + unreadable));
        }
        refreshLists();
    }

    public LaneState state() {
        return state;
    }

    public long steps() {
        return steps;
    }

    public long journalFailures() {
        return writer.failures();
    }

    /** Events waiting for the journal to take writes again. */
    public int heldEvents() {
        return writer.held();
    }

    /** Events dropped because more than {@link #HELD_EVENTS_MAX} were waiting for a failed journal. */
    public long eventsLost() {
        return writer.lost();
    }

    /** Events refused because they could never be journaled (a programming error), each replaced by an EVENT_REFUSED alert. */
    public long eventsRefused() {
        return writer.refused();
    }

    /** True while the journal's last write failed (the lane is then in FAULT). */
    public boolean journalFailing() {
        return journalFailing;
    }

    public long nextDeadlineMs() {
        return lane.nextDeadlineMs(state);
    }

    /** Feeds the core any list version that came into force since it last heard (an import, central). */
    public void refreshLists() {
        for (ListInfo list : clearance.listsInForce()) {
            if (!list.equals(state.lists().get(list.program()))) {
                handle(new LaneInput.ListInForce(list));
            }
        }
    }

    public void handle(LaneInput raw) {
        long startedNs = System.nanoTime();
        LaneInput input = raw;
        try {
            input = enrich(raw);
        } catch (StoreException e) {
            // A store that cannot be read puts the lane in FAULT (an alert, everyone referred) until a
            // technician resets it; the card itself counts as unknown.
            if (LogThinning.worthLogging(++lookupFailures)) {
                LOG.log(System.Logger.Level.ERROR, "card lookup failed (failure " + lookupFailures + "): " + e.getMessage());
            }
            handle(new LaneInput.HardwareFault("store", "card lookup failed: " + e.getMessage()));
        }
        Now now = clock.get();
        Lane.Step step = lane.step(state, input, now);
        monitor.check(state, input, now, step);
        state = step.state();
        steps++;
        perform(step.actions(), now);
        // After the outputs: what watches decisions (metrics) never delays the gate.
        for (LaneAction action : step.actions()) {
            if (action instanceof LaneAction.RecordEvent record && record.event() instanceof LaneEvent.DecisionMade decision) {
                observer.onDecision(decision, System.nanoTime() - startedNs);
                break;
            }
        }
    }

    private LaneInput enrich(LaneInput input) {
        if (input instanceof LaneInput.TagSeen seen && seen.entry() == null && lane.wantsCardEntry(state, seen.read().epcHex())) {
            return new LaneInput.TagSeen(seen.read(), clearance.find(seen.read().epcHex(), lane.settings().acceptedPrograms()));
        }
        return input;
    }

    private void perform(List<LaneAction> actions, Now now) {
        List<EventDraft> pending = new ArrayList<>();
        boolean durable = true;
        for (LaneAction action : actions) {
            if (action instanceof LaneAction.RecordEvent event) {
                pending.add(EventDraft.of(event.event(), now));
                continue;
            }
            durable = flush(pending, durable);
            if (action instanceof LaneAction.MoveGate move) {
                // Opening without a durable record is never allowed; closing (under the interlock) always is.
                if (durable || move.direction() == GateDirection.DOWN) {
                    hardware.gate().move(move.direction());
                    observer.onGate(move.direction(), now);
                }
            } else if (action instanceof LaneAction.ShowSignal show) {
                if (durable || show.aspect() != SignalAspect.PROCEED) {
                    hardware.signal().show(show.aspect());
                    observer.onSignal(show.aspect(), now);
                }
            }
        }
        durable = flush(pending, durable);
        if (!durable && !journalFailing) {
            journalFailing = true;
            handle(new LaneInput.HardwareFault("journal", "events could not be made durable"));
        } else if (durable) {
            journalFailing = false;
        }
    }

    /**
     * Writes the held events and {@code pending} in one commit; returns whether they are durable.
     * After a failure in this step ({@code tryWrite} false) the events are only held: one failed
     * write per step is enough.
     */
    private boolean flush(List<EventDraft> pending, boolean tryWrite) {
        try {
            if (!tryWrite) {
                writer.hold(pending);
                return false;
            }
            List<JournalEntry> written = writer.write(pending, true);
            if (written == null) {
                return false;
            }
            boolean authorisationRefused = false;
            for (JournalEntry entry : written) {
                observer.onEvent(entry);
                authorisationRefused |= entry.event() instanceof LaneEvent.EventRefused refused
                        && AUTHORISING_EVENTS.contains(refused.refusedType());
            }
            // A decision, release or confirm that could not be written authorises nothing (invariants 3, 4).
            return !authorisationRefused;
        } finally {
            pending.clear();
        }
    }
}
