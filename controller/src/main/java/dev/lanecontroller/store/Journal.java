package dev.lanecontroller.store;

import java.util.List;

/**
 * The lane's event journal and outbox. {@link #append} returns only once the events are durable:
 * the shell actuates nothing that follows an event before that.
 */
public interface Journal extends AutoCloseable {
    /** Stores the events as one batch (one commit, one fsync); returns them with their sequence numbers. */
    List<JournalEntry> append(List<EventDraft> events);

    long lastSeq();

    /** Up to {@code limit} events after {@code afterSeq}, oldest first. */
    List<JournalEntry> read(long afterSeq, int limit);

    /** Events not yet acknowledged by central, oldest first. */
    List<JournalEntry> unsent(long afterSeq, int limit);

    long unsentCount();

    /** Central acknowledged these (on PUBACK, never on the publish call). */
    void markSent(List<Long> seqs);

    @Override
    void close();
}
