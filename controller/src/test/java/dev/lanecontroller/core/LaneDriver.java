package dev.lanecontroller.core;

import dev.lanecontroller.hal.GateDirection;
import dev.lanecontroller.hal.GateLimit;
import dev.lanecontroller.hal.LoopId;
import dev.lanecontroller.hal.PlateEventKind;
import dev.lanecontroller.hal.PlateReport;
import dev.lanecontroller.hal.SignalAspect;
import dev.lanecontroller.hal.TagRead;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Drives the pure core by hand in virtual time, checking the invariants on every step, for readable tests. */
final class LaneDriver {
    static final long LIST_ISSUED_WALL_MS = 1_795_852_800_000L;

    final Lane lane;
    LaneState state;
    final SafetyMonitor monitor;
    long monoMs = 1_000_000;
    final List<LaneAction> actions = new ArrayList<>();

    LaneDriver(LaneSettings settings, RandomSource random) {
        this(settings, random, false);
        after(settings.suppressionMs());
        feed(new LaneInput.GateLimitReached(GateLimit.CLOSED));
        actions.clear();
    }

    /**
     * A lane just started, its lists in force; with {@code armDownAtStart} the closed limit switch is
     * reported before the first tick, as a GPIO lane does for an arm already down. Nothing cleared.
     */
    LaneDriver(LaneSettings settings, RandomSource random, boolean armDownAtStart) {
        lane = new Lane(settings, random);
        state = lane.initialState(now());
        monitor = new SafetyMonitor(lane, monoMs);
        feed(new LaneInput.Start());
        if (armDownAtStart) {
            feed(new LaneInput.GateLimitReached(GateLimit.CLOSED));
        }
        for (String program : settings.acceptedPrograms()) {
            feed(new LaneInput.ListInForce(new ListInfo(program, 1, LIST_ISSUED_WALL_MS, ListInfo.NO_EXPIRY, 1)));
        }
    }

    Now now() {
        return new Now(monoMs, LIST_ISSUED_WALL_MS + monoMs, true);
    }

    LaneDriver feed(LaneInput input) {
        Lane.Step step = lane.step(state, input, now());
        monitor.check(state, input, now(), step);
        state = step.state();
        actions.addAll(step.actions());
        return this;
    }

    /** Lets time pass, with a tick at every deadline on the way, as the shell would. */
    LaneDriver after(long ms) {
        long until = monoMs + ms;
        while (lane.nextDeadlineMs(state) <= until) {
            monoMs = Math.max(monoMs, lane.nextDeadlineMs(state));
            feed(new LaneInput.Tick());
        }
        monoMs = until;
        return feed(new LaneInput.Tick());
    }

    /** Lets time pass with the reader alive (a heartbeat a second), so only what the test provokes faults. */
    LaneDriver withReaderAlive(long ms) {
        for (long passed = 0; passed < ms; passed += 1_000) {
            after(Math.min(1_000, ms - passed)).feed(new LaneInput.ReaderAlive());
        }
        return this;
    }

    LaneDriver loop(LoopId loop, boolean occupied) {
        return feed(new LaneInput.LoopChanged(loop, occupied));
    }

    LaneDriver card(CardEntry entry) {
        return feed(new LaneInput.TagSeen(new TagRead(entry.epcHex(), null, 1, -50), entry));
    }

    LaneDriver plate(String text, PlateEventKind kind) {
        return feed(new LaneInput.PlateSeen(new PlateReport(text, "ON", 95, kind)));
    }

    /** The events of one type recorded so far, in order. */
    <E extends LaneEvent> List<E> recorded(Class<E> type) {
        return actions.stream().filter(a -> a instanceof LaneAction.RecordEvent e && type.isInstance(e.event()))
                .map(a -> type.cast(((LaneAction.RecordEvent) a).event())).toList();
    }

    LaneDriver limit(GateLimit limit) {
        return feed(new LaneInput.GateLimitReached(limit));
    }

    LaneDriver command(CommandKind kind, LaneMode mode) {
        return feed(new LaneInput.Command("cmd-" + monoMs, kind, mode, "test"));
    }

    static CardEntry member(String epcHex) {
        return new CardEntry(epcHex, "NEXUS", CardStatus.ACTIVE, Long.MAX_VALUE, Set.of("ON:ABC123"), null, false, 1);
    }

    List<String> events() {
        return actions.stream().filter(a -> a instanceof LaneAction.RecordEvent).map(a -> ((LaneAction.RecordEvent) a).type().name()).toList();
    }

    List<String> decisions() {
        return actions.stream().filter(a -> a instanceof LaneAction.RecordEvent e && e.event() instanceof LaneEvent.DecisionMade)
                .map(a -> ((LaneEvent.DecisionMade) ((LaneAction.RecordEvent) a).event()).outcome()).toList();
    }

    long gateCommands(GateDirection direction) {
        return actions.stream().filter(a -> a instanceof LaneAction.MoveGate m && m.direction() == direction).count();
    }

    SignalAspect signal() {
        return state.signal();
    }
}
