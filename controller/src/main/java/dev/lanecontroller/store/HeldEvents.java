package dev.lanecontroller.store;

import dev.lanecontroller.core.LaneEvent;
import dev.lanecontroller.core.LogThinning;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * A journal writer that does not drop what a failed write left behind: those events are held,
 * oldest first and up to a bound, and go to the journal ahead of the next ones, in their order and
 * with their own times, once it takes writes again. Not thread-safe: one owner calls it (the lane
 * thread; the central link under its own lock).
 */
public final class HeldEvents {
    private static final System.Logger LOG = System.getLogger(HeldEvents.class.getName());
    /** An EVENT_REFUSED alert says why in at most this much. */
    private static final int WHY_CHARS_MAX = 500;

    private final Journal journal;
    private final int maxHeld;
    private final String owner;
    private final ArrayDeque<EventDraft> held = new ArrayDeque<>();
    /** Volatile: metrics and /health read them from other threads. */
    private volatile int heldCount;
    private volatile long lost;
    private volatile long failures;
    private volatile long refused;

    /** @param owner who writes, for the log ("the lane", "the central link") */
    public HeldEvents(Journal journal, int maxHeld, String owner) {
        if (maxHeld < 0) {
            throw new IllegalArgumentException("maxHeld must be >= 0: " + maxHeld);
        }
        this.journal = journal;
        this.maxHeld = maxHeld;
        this.owner = owner;
    }

    /**
     * Writes the held events and then {@code pending} in one commit and returns them as journaled
     * (held first); null when the write failed. Then {@code pending} is held too if
     * {@code holdIfFailed}, otherwise it is the caller's to refuse.
     */
    public List<JournalEntry> write(List<EventDraft> pending, boolean holdIfFailed) {
        if (pending.isEmpty() && held.isEmpty()) {
            return List.of();
        }
        List<EventDraft> batch = heldThen(pending);
        List<JournalEntry> written;
        try {
            try {
                written = append(batch);
            } catch (IllegalArgumentException e) {
                // An event that can never be written must not hold up every event behind it: it is
                // refused (logged, counted, an EVENT_REFUSED alert in its place) and the rest written.
                List<EventDraft> cleaned = refuseUnwritable(held);
                held.clear();
                held.addAll(cleaned);
                pending = refuseUnwritable(pending);
                batch = heldThen(pending);
                try {
                    written = append(batch);
                } catch (IllegalArgumentException unexpected) {
                    // Not an event the checks foresee: held like a failed write, never a dead lane thread.
                    throw new StoreException("journal write refused: " + unexpected.getMessage(), unexpected);
                }
            }
        } catch (StoreException e) {
            failures++;
            // Retried at every event (the lane's: each reader heartbeat); the log gets the 1st, 10th, 100th...
            if (LogThinning.worthLogging(failures)) {
                LOG.log(System.Logger.Level.ERROR, "journal write failed (" + owner + ", failure " + failures + "), "
                        + (holdIfFailed ? batch.size() : held.size()) + " events held until it works again: " + e.getMessage());
            }
            if (holdIfFailed) {
                hold(pending);
            }
            return null;
        }
        if (!held.isEmpty()) {
            LOG.log(System.Logger.Level.WARNING, "the journal takes writes again: " + held.size() + " events " + owner
                    + " held are durable now");
            held.clear();
            heldCount = 0;
        }
        return written;
    }

    private List<EventDraft> heldThen(List<EventDraft> pending) {
        List<EventDraft> batch = new ArrayList<>(held.size() + pending.size());
        batch.addAll(held);
        batch.addAll(pending);
        return batch;
    }

    private List<JournalEntry> append(List<EventDraft> batch) {
        return batch.isEmpty() ? List.of() : journal.append(batch);
    }

    /** {@code drafts} with each that can never be journaled replaced by an EVENT_REFUSED alert saying why. */
    private List<EventDraft> refuseUnwritable(java.util.Collection<EventDraft> drafts) {
        List<EventDraft> kept = new ArrayList<>(drafts.size());
        for (EventDraft draft : drafts) {
            String problem = EventChain.problem(draft);
            if (problem == null) {
                kept.add(draft);
                continue;
            }
            refused++;
            LOG.log(System.Logger.Level.ERROR, "event refused (" + owner + ", " + refused + " so far), a programming error: " + problem);
            kept.add(EventDraft.of(new LaneEvent.EventRefused(draft.type(),
                    problem.length() > WHY_CHARS_MAX ? problem.substring(0, WHY_CHARS_MAX) : problem), draft.at()));
        }
        return kept;
    }

    /** Holds {@code pending} without trying the journal (it failed moments ago). */
    public void hold(List<EventDraft> pending) {
        for (EventDraft draft : pending) {
            if (held.size() < maxHeld) {
                held.add(draft);
            } else {
                lost++;
            }
        }
        heldCount = held.size();
    }

    /** Events waiting for the journal to take writes again. */
    public int held() {
        return heldCount;
    }

    /** Events dropped because the hold was full. */
    public long lost() {
        return lost;
    }

    /** Events refused because they could never be written (each replaced by an EVENT_REFUSED alert). */
    public long refused() {
        return refused;
    }

    /** Failed journal writes so far. */
    public long failures() {
        return failures;
    }
}
