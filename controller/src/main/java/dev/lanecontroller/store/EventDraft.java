package dev.lanecontroller.store;

import dev.lanecontroller.core.LaneEvent;
import dev.lanecontroller.core.Now;
import java.util.Map;

/** An event the lane wants journaled; the journal gives it its sequence number and hashes. */
public record EventDraft(String type, Map<String, Object> details, Now at, LaneEvent event) {
    /** A draft without a typed event (tests, tools). */
    public EventDraft(String type, Map<String, Object> details, Now at) {
        this(type, details, at, null);
    }

    /** The draft of a typed event: its type and its documented fields. */
    public static EventDraft of(LaneEvent event, Now at) {
        return new EventDraft(event.type().name(), event.details(), at, event);
    }
}
