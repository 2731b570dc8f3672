package dev.lanecontroller.store;

import java.util.List;

/**
 * The lane's event journal. {@link #append} returns only once the events are durable: the shell
 * actuates nothing that follows an event before that. What central has not yet acknowledged is
 * read through the {@link #outbox}.
 */
public interface Journal extends AutoCloseable {
    /** Stores the events as one batch (one commit, one fsync); returns them with their sequence numbers. */
    List<JournalEntry> append(List<EventDraft> events);

    long lastSeq();

    /** Up to {@code limit} events after {@code afterSeq}, oldest first. */
    List<JournalEntry> read(long afterSeq, int limit);

    /** The outbox view of this journal, for the central link's thread. */
    Outbox outbox();

    /**
     * The mode a command last put the lane in (the "to" of the last MODE_CHANGED ever journaled), or
     * null when none did: kept beside the events in the same commit, so neither a restart nor a
     * purge of old events forgets what central asked for.
     */
    default String commandedMode() {
        return null;
    }

    @Override
    void close();
}
