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

    @Override
    void close();
}
