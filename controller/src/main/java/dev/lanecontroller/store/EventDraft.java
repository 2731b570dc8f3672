package dev.lanecontroller.store;

import dev.lanecontroller.core.LaneEvent;
import dev.lanecontroller.core.Now;
import java.util.List;
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

    /**
     * The "to" of the last MODE_CHANGED or MODE_CHANGE_PENDING among {@code events} (or the mode of a
     * MODE_UNCHANGED: a command that kept the mode also drops a change still waiting), or null: a
     * change that waited for the lane to empty is what central asked for, and a restart empties the
     * lane. Every journal keeps it beside the events it writes ({@link Journal#commandedMode}).
     */
    static String lastCommandedMode(List<EventDraft> events) {
        String to = null;
        for (EventDraft draft : events) {
            if ((draft.type().equals("MODE_CHANGED") || draft.type().equals("MODE_CHANGE_PENDING")) && draft.details().get("to") instanceof String mode) {
                to = mode;
            } else if (draft.type().equals("MODE_UNCHANGED") && draft.details().get("mode") instanceof String mode) {
                to = mode;
            }
        }
        return to;
    }
}
