package dev.lanecontroller.link;

import dev.lanecontroller.core.LaneEvent;
import dev.lanecontroller.store.JournalEntry;

/**
 * Journals an event of the link's own (a command, a list); thread-safe. Null when it is not durable
 * now; the daemon's recorder then holds it and writes it once the journal works again.
 */
@FunctionalInterface
public interface EventRecorder {
    JournalEntry record(LaneEvent event);

    /**
     * For an event whose consequence waits on it (a command is carried out only once its
     * COMMAND_RECEIVED is durable): durable now, or never written — the caller refuses instead.
     */
    default JournalEntry recordNowOrNever(LaneEvent event) {
        return record(event);
    }
}
