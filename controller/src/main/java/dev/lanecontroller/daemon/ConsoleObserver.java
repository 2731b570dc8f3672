package dev.lanecontroller.daemon;

import dev.lanecontroller.core.LaneEvent;
import dev.lanecontroller.core.Now;
import dev.lanecontroller.hal.GateDirection;
import dev.lanecontroller.hal.SignalAspect;
import dev.lanecontroller.shell.LaneObserver;
import dev.lanecontroller.store.JournalEntry;
import java.io.PrintStream;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** One readable line per event and per output change, for a person watching the daemon. */
public final class ConsoleObserver implements LaneObserver {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS").withZone(ZoneOffset.UTC);
    private final PrintStream out;

    public ConsoleObserver(PrintStream out) {
        this.out = out;
    }

    @Override
    public void onEvent(JournalEntry entry) {
        String summary = entry.event() instanceof LaneEvent.DecisionMade d
                ? "txn " + d.transactionId() + " " + d.outcome() + "  cards=" + d.cards().size() + " plate=" + (d.plate() == null ? "-" : d.plate())
                        + (d.reasons().size() > 1 ? " also " + d.reasons() : "")
                : entry.payloadJson();
        out.println(TIME.format(Instant.ofEpochMilli(entry.wallMs())) + "  #" + entry.seq() + " " + entry.type() + "  " + summary);
    }

    @Override
    public void onSignal(SignalAspect aspect, Now at) {
        out.println(TIME.format(Instant.ofEpochMilli(at.wallMs())) + "      signal " + aspect);
    }

    @Override
    public void onGate(GateDirection direction, Now at) {
        out.println(TIME.format(Instant.ofEpochMilli(at.wallMs())) + "      gate " + direction);
    }
}
