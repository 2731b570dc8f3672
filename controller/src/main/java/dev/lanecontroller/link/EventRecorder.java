package dev.lanecontroller.link;

import dev.lanecontroller.core.EventType;
import dev.lanecontroller.store.JournalEntry;
import java.util.Map;

/** Journals an event of the link's own (a command, a list); thread-safe. Null when the journal failed. */
@FunctionalInterface
public interface EventRecorder {
    JournalEntry record(EventType type, Map<String, Object> details);
}
