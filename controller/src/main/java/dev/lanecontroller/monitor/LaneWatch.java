package dev.lanecontroller.monitor;

import dev.lanecontroller.core.Now;
import dev.lanecontroller.hal.GateDirection;
import dev.lanecontroller.hal.SignalAspect;
import dev.lanecontroller.shell.LaneObserver;
import dev.lanecontroller.store.JournalEntry;

/**
 * The monitor's observer of the lane: keeps the last vehicles, and tells the monitor's feed the
 * moment the lane changed something (an event, the signal, the gate), so a page shows a short
 * PROCEED at once instead of at the next sample. On the lane thread: a field write and a flag.
 */
public final class LaneWatch implements LaneObserver {
    private final VehicleLog vehicles = new VehicleLog();
    private volatile Runnable changed = () -> { };

    /** Called on every change from now on (the feed, once the HTTP server is up). */
    public void onChange(Runnable listener) {
        changed = listener;
    }

    public VehicleLog vehicles() {
        return vehicles;
    }

    @Override
    public void onEvent(JournalEntry entry) {
        vehicles.onEvent(entry);
        changed.run();
    }

    @Override
    public void onSignal(SignalAspect aspect, Now at) {
        changed.run();
    }

    @Override
    public void onGate(GateDirection direction, Now at) {
        changed.run();
    }
}
