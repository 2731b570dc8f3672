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

    /**
     * A step decided a vehicle (its DECISION event's details) and took {@code nanos} from its input to
     * its last output, the journal commit included. Called after the outputs were driven.
     */
    default void onDecision(dev.lanecontroller.core.LaneEvent.DecisionMade decision, long nanos) {}

    /** This observer, and {@code more} for every journaled event after it. */
    default LaneObserver alsoOnEvent(java.util.function.Consumer<JournalEntry> more) {
        return also(more, (decision, nanos) -> { });
    }

    /** This observer, and the given callbacks for every journaled event and every decision step after it. */
    default LaneObserver also(java.util.function.Consumer<JournalEntry> more,
                              java.util.function.ObjLongConsumer<dev.lanecontroller.core.LaneEvent.DecisionMade> decision) {
        return andThen(new LaneObserver() {
            @Override
            public void onEvent(JournalEntry entry) {
                more.accept(entry);
            }

            @Override
            public void onSignal(SignalAspect aspect, Now at) {
                // Events and decisions only.
            }

            @Override
            public void onGate(GateDirection direction, Now at) {
                // Events and decisions only.
            }

            @Override
            public void onDecision(dev.lanecontroller.core.LaneEvent.DecisionMade made, long nanos) {
                decision.accept(made, nanos);
            }
        });
    }

    /** This observer, then {@code next}, for everything. */
    default LaneObserver andThen(LaneObserver next) {
        LaneObserver first = this;
        return new LaneObserver() {
            @Override
            public void onEvent(JournalEntry entry) {
                first.onEvent(entry);
                next.onEvent(entry);
            }

            @Override
            public void onSignal(SignalAspect aspect, Now at) {
                first.onSignal(aspect, at);
                next.onSignal(aspect, at);
            }

            @Override
            public void onGate(GateDirection direction, Now at) {
                first.onGate(direction, at);
                next.onGate(direction, at);
            }

            @Override
            public void onDecision(dev.lanecontroller.core.LaneEvent.DecisionMade made, long nanos) {
                first.onDecision(made, nanos);
                next.onDecision(made, nanos);
            }
        };
    }

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
