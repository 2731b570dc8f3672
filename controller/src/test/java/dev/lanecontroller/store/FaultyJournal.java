package dev.lanecontroller.store;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A journal whose disk fails when a test or a simulation says so: full, it takes no writes (nothing
 * of a refused write reaches the journal below, events are not marked sent); unreadable, the
 * outbox's reads fail. Failures throw what SQLite's would become: a {@link StoreException}.
 */
public final class FaultyJournal implements Journal {
    /** The disk's state: it outlives a journal (a power cut does not mend a full disk). */
    public static final class Disk {
        public volatile boolean full;
        public volatile boolean unreadable;
    }

    private final Journal journal;
    private final Outbox outbox;
    private final Disk disk;
    private final AtomicLong refusedWrites = new AtomicLong();
    private final AtomicLong failedReads = new AtomicLong();
    private final AtomicLong refusedMarks = new AtomicLong();

    /** A journal in memory on {@code disk}. */
    public static FaultyJournal inMemory(Disk disk) {
        return new FaultyJournal(new MemoryJournal("faulty"), disk);
    }

    public FaultyJournal(Journal journal, Disk disk) {
        this.journal = journal;
        this.disk = disk;
        Outbox inner = journal.outbox();
        outbox = new Outbox() {
            @Override
            public String journalId() {
                return inner.journalId();
            }

            @Override
            public long lastSeq() {
                return inner.lastSeq();
            }

            @Override
            public long firstSeq() {
                return inner.firstSeq();
            }

            @Override
            public List<JournalEntry> unsent(long afterSeq, int limit) {
                failIfUnreadable();
                return inner.unsent(afterSeq, limit);
            }

            @Override
            public List<JournalEntry> read(long afterSeq, int limit) {
                failIfUnreadable();
                return inner.read(afterSeq, limit);
            }

            @Override
            public long unsentCount() {
                return inner.unsentCount();
            }

            @Override
            public long oldestUnsentSeq() {
                return inner.oldestUnsentSeq();
            }

            @Override
            public void markSent(List<Long> seqs) {
                if (disk.full) {
                    refusedMarks.incrementAndGet(); // the events stay unsent and go again: central dedupes
                    throw new StoreException("marking events sent failed: database or disk is full (simulated)", null);
                }
                inner.markSent(seqs);
            }
        };
    }

    private void failIfUnreadable() {
        if (disk.unreadable) {
            failedReads.incrementAndGet();
            throw new StoreException("cannot read the journal: disk I/O error (simulated)", null);
        }
    }

    @Override
    public List<JournalEntry> append(List<EventDraft> events) {
        if (disk.full && !events.isEmpty()) {
            refusedWrites.incrementAndGet();
            throw new StoreException("journal write failed: database or disk is full (simulated)", null);
        }
        return journal.append(events);
    }

    @Override
    public long lastSeq() {
        return journal.lastSeq();
    }

    @Override
    public List<JournalEntry> read(long afterSeq, int limit) {
        failIfUnreadable();
        return journal.read(afterSeq, limit);
    }

    @Override
    public Outbox outbox() {
        return outbox;
    }

    @Override
    public String commandedMode() {
        return journal.commandedMode();
    }

    public long refusedWrites() {
        return refusedWrites.get();
    }

    public long failedReads() {
        return failedReads.get();
    }

    /** Batches of acknowledged events that could not be marked sent. */
    public long refusedMarks() {
        return refusedMarks.get();
    }

    @Override
    public void close() {
        journal.close();
    }
}
