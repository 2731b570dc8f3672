package dev.lanecontroller.link;

import dev.lanecontroller.contract.EventWire;
import dev.lanecontroller.store.JournalEntry;
import dev.lanecontroller.store.Outbox;
import dev.lanecontroller.store.StoreException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Reads and encodes one connection's backlog a page ahead of the event sync, on a thread of its
 * own: while the window drains, the next page is already out of SQLite and in wire form, so a
 * drain is not stalled by its own reads. Ends at the connection's live boundary.
 */
final class BacklogReader implements AutoCloseable {
    /** Pages read ahead: two pages is about 1.3 MB of payloads. */
    static final int PAGES_AHEAD = 2;

    /** An event ready to publish. */
    record Outgoing(long seq, boolean alert, byte[] payload) {}

    private final BlockingQueue<List<Outgoing>> pages = new ArrayBlockingQueue<>(PAGES_AHEAD);
    private final Thread thread;
    private final Runnable pageReady;
    private final Outbox outbox;
    private final EventWire wire;
    private final long liveBoundary;
    private final int pageEvents;
    private long cursor;
    private volatile boolean closed;
    private volatile boolean finished;
    private volatile StoreException failure;

    /** {@code readAhead} false: no thread, each {@link #poll} reads its page itself (a simulation's single thread). */
    BacklogReader(Outbox outbox, EventWire wire, long liveBoundary, int pageEvents, Runnable pageReady, boolean readAhead) {
        this.outbox = outbox;
        this.wire = wire;
        this.liveBoundary = liveBoundary;
        this.pageEvents = pageEvents;
        this.pageReady = pageReady;
        if (readAhead) {
            this.thread = new Thread(this::readAhead, "event-sync-backlog");
            this.thread.setDaemon(true);
            this.thread.start();
        } else {
            this.thread = null;
        }
    }

    private void readAhead() {
        try {
            List<Outgoing> page;
            while (!closed && (page = nextPage()) != null) {
                while (!closed && !pages.offer(page, 100, TimeUnit.MILLISECONDS)) {
                    // The window is full and the pages ahead are waiting: wait with them.
                }
                pageReady.run();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            failure = new StoreException("reading the backlog failed: " + e, e);
        } finally {
            finished = true;
            pageReady.run();
        }
    }

    /** The next page read and encoded, or null at the live boundary or on a failure (kept in {@link #failure}). */
    private List<Outgoing> nextPage() {
        try {
            if (cursor >= liveBoundary) {
                return null;
            }
            List<JournalEntry> entries = outbox.unsent(cursor, pageEvents);
            List<Outgoing> page = new ArrayList<>(entries.size());
            for (JournalEntry entry : entries) {
                if (entry.seq() > liveBoundary) {
                    break;
                }
                page.add(new Outgoing(entry.seq(), EventWire.isAlert(entry.type()), wire.encode(entry, EventWire.Delivery.BACKLOG)));
            }
            if (page.isEmpty()) {
                return null;
            }
            cursor = page.get(page.size() - 1).seq();
            return page;
        } catch (StoreException e) {
            failure = e;
        } catch (RuntimeException e) {
            // Ends this round's backlog with a failure, so the sync starts the round again rather than stop short.
            failure = new StoreException("reading the backlog failed: " + e, e);
        }
        return null;
    }

    /** The next page, or null when none is ready yet (or the backlog is through). */
    List<Outgoing> poll() {
        if (thread == null && !finished) {
            List<Outgoing> page = nextPage();
            finished = page == null;
            return page;
        }
        return pages.poll();
    }

    /** True when every page was read and taken. */
    boolean done() {
        return finished && pages.isEmpty();
    }

    /** The read failure that ended the backlog early, if any. */
    StoreException failure() {
        return failure;
    }

    @Override
    public void close() {
        closed = true;
        if (thread != null) {
            thread.interrupt();
        }
    }
}
