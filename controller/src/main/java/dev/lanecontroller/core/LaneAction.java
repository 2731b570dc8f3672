package dev.lanecontroller.core;

import dev.lanecontroller.hal.GateDirection;
import dev.lanecontroller.hal.SignalAspect;
import java.util.Map;
import java.util.Objects;

/** What the shell must do, in the order given: record events before it actuates anything after them. */
public sealed interface LaneAction {
    record ShowSignal(SignalAspect aspect) implements LaneAction {
        public ShowSignal {
            Objects.requireNonNull(aspect, "aspect");
        }
    }

    record MoveGate(GateDirection direction) implements LaneAction {
        public MoveGate {
            Objects.requireNonNull(direction, "direction");
        }
    }

    /** An event for the journal, recorded before any output after it is actuated. */
    record RecordEvent(LaneEvent event) implements LaneAction {
        public RecordEvent {
            Objects.requireNonNull(event, "event");
        }

        public EventType type() {
            return event.type();
        }

        public Map<String, Object> details() {
            return event.details();
        }

        public Object detail(String key) {
            return event.details().get(key);
        }
    }
}
