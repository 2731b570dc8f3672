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

    /** An event for the journal; {@code details} keep their insertion order, so the record is reproducible. */
    record RecordEvent(EventType type, Map<String, Object> details) implements LaneAction {
        public RecordEvent {
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(details, "details");
        }

        public Object detail(String key) {
            return details.get(key);
        }
    }
}
