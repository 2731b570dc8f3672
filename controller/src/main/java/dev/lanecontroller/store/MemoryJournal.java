package dev.lanecontroller.store;

import java.util.ArrayList;
import java.util.List;

/** The journal for virtual-time simulations: the same numbering and hash chain, kept in memory. */
public final class MemoryJournal implements Journal, Outbox {
    private final String journalId = java.util.UUID.randomUUID().toString();
    private final EventChain chain;
    private final List<JournalEntry> entries = new ArrayList<>();
    private final List<Boolean> sent = new ArrayList<>();
    private final boolean keepsHistory;
    private String commandedMode;

    public MemoryJournal(String bootId) {
        this(bootId, true);
    }

    private MemoryJournal(String bootId, boolean keepsHistory) {
        chain = new EventChain(bootId, 0, EventChain.GENESIS_HASH);
        this.keepsHistory = keepsHistory;
    }

    /**
     * Numbers and chains every event but keeps none (reads find nothing): for runs of millions of
     * vehicles whose events are watched as they happen, in bounded memory.
     */
    public static MemoryJournal withoutHistory(String bootId) {
        return new MemoryJournal(bootId, false);
    }

    @Override
    public Outbox outbox() {
        return this;
    }

    @Override
    public String journalId() {
        return journalId;
    }

    @Override
    public synchronized long firstSeq() {
        return entries.isEmpty() ? 0 : 1;
    }

    @Override
    public synchronized long oldestUnsentSeq() {
        int index = sent.indexOf(false);
        return index < 0 ? 0 : index + 1L;
    }

    @Override
    public synchronized String commandedMode() {
        return commandedMode;
    }

    @Override
    public synchronized List<JournalEntry> append(List<EventDraft> events) {
        String commanded = EventDraft.lastCommandedMode(events);
        if (commanded != null) {
            commandedMode = commanded;
        }
        List<JournalEntry> added = new ArrayList<>(events.size());
        for (EventDraft draft : events) {
            JournalEntry entry = chain.next(draft, chain.lastSeq() + 1, chain.lastHash());
            chain.commit(entry);
            added.add(entry);
        }
        if (keepsHistory) {
            entries.addAll(added);
            added.forEach(entry -> sent.add(false));
        }
        return added;
    }

    @Override
    public synchronized long lastSeq() {
        return chain.lastSeq();
    }

    @Override
    public synchronized List<JournalEntry> read(long afterSeq, int limit) {
        int from = (int) Math.min(afterSeq, entries.size());
        return List.copyOf(entries.subList(from, Math.min(entries.size(), from + limit)));
    }

    @Override
    public synchronized List<JournalEntry> unsent(long afterSeq, int limit) {
        List<JournalEntry> result = new ArrayList<>();
        for (int i = (int) Math.min(afterSeq, entries.size()); i < entries.size() && result.size() < limit; i++) {
            if (!sent.get(i)) {
                result.add(entries.get(i));
            }
        }
        return result;
    }

    @Override
    public synchronized long unsentCount() {
        return sent.stream().filter(s -> !s).count();
    }

    @Override
    public synchronized void markSent(List<Long> seqs) {
        seqs.forEach(seq -> sent.set((int) (seq - 1), true));
    }

    @Override
    public void close() {
        // Nothing to release: the entries go with the simulation.
    }
}
