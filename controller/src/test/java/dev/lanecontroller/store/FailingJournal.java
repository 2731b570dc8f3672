package dev.lanecontroller.store;

import java.util.List;

/** A journal whose disk can be made to fail: every append throws while {@link #failing} is set. */
public final class FailingJournal implements Journal {
    public final MemoryJournal inner = new MemoryJournal("failing");
    public volatile boolean failing;

    @Override
    public List<JournalEntry> append(List<EventDraft> events) {
        if (failing) {
            throw new StoreException("disk I/O error (test)");
        }
        return inner.append(events);
    }

    @Override
    public long lastSeq() {
        return inner.lastSeq();
    }

    @Override
    public List<JournalEntry> read(long afterSeq, int limit) {
        return inner.read(afterSeq, limit);
    }

    @Override
    public Outbox outbox() {
        return inner;
    }

    @Override
    public void close() {
        inner.close();
    }
}
