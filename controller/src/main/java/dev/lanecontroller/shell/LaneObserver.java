package dev.lanecontroller.shell;

import dev.lanecontroller.core.Now;
import dev.lanecontroller.hal.GateDirection;
import dev.lanecontroller.hal.SignalAspect;
import dev.lanecontroller.store.JournalEntry;

/** Watches what the lane does, after it is done: for the console, the simulation output, metrics. */
public interface LaneObserver {
    void onEvent(JournalEntry entry);

    void onSignal(SignalAspect aspect, Now at);

    void onGate(GateDirection direction, Now at);

    LaneObserver NONE = new LaneObserver() {
        @Override
        public void onEvent(JournalEntry entry) {
            // Nothing watches.
        }

        @Override
        public void onSignal(SignalAspect aspect, Now at) {
            // Nothing watches.
        }

        @Override
        public void onGate(GateDirection direction, Now at) {
            // Nothing watches.
        }
    };
}
