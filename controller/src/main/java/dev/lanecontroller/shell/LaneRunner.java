package dev.lanecontroller.shell;

import dev.lanecontroller.core.LaneInput;
import java.util.function.LongSupplier;

/**
 * The lane thread of the daemon: waits on the inbox until the next input or the core's next
 * deadline, whichever is first, and hands each to the shell. Nothing else touches the shell.
 */
public final class LaneRunner implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(LaneRunner.class.getName());
    /**
     * How often the lane looks in the store for a list version it has not been told of: one that
     * {@code list import} put in force from another process. Central's lists reach it through the
     * inbox the moment they are swapped in.
     */
    static final long LIST_POLL_INTERVAL_MS = 5_000;

    private final LaneShell shell;
    private final Inbox inbox;
    private final LongSupplier monoMs;
    private final Thread thread;
    private final java.util.concurrent.CountDownLatch started = new java.util.concurrent.CountDownLatch(1);
    private volatile long lastTurnMs;
    private volatile boolean running = true;
    private volatile Throwable failure;
    private long droppedSeen;

    public LaneRunner(LaneShell shell, Inbox inbox, LongSupplier monoMs) {
        this.shell = shell;
        this.inbox = inbox;
        this.monoMs = monoMs;
        this.thread = new Thread(this::loop, "lane");
        this.lastTurnMs = monoMs.getAsLong();
    }

    public void start() {
        thread.start();
    }

    /** The error that stopped the lane thread (a broken invariant), or null. */
    public Throwable failure() {
        return failure;
    }

    public boolean isAlive() {
        return thread.isAlive();
    }

    /**
     * Waits until the lane has put its outputs in the safe state and journaled its start (or the
     * thread failed doing so); false on timeout.
     */
    public boolean awaitStarted(long timeoutMs) throws InterruptedException {
        return started.await(timeoutMs, java.util.concurrent.TimeUnit.MILLISECONDS) && thread.isAlive();
    }

    /** When the lane loop last came round (monotonic ms): at least once a second while it is healthy. */
    public long lastTurnMs() {
        return lastTurnMs;
    }

    private void loop() {
        try {
            shell.start();
            started.countDown();
            long nextListPollMs = monoMs.getAsLong() + LIST_POLL_INTERVAL_MS;
            while (running) {
                long now = monoMs.getAsLong();
                lastTurnMs = now;
                long waitMs = Math.min(shell.nextDeadlineMs(), nextListPollMs) - now;
                LaneInput input = inbox.poll(waitMs);
                shell.handle(input == null ? new LaneInput.Tick() : input);
                if (inbox.dropped() != droppedSeen) {
                    long lost = inbox.dropped() - droppedSeen;
                    droppedSeen = inbox.dropped();
                    shell.handle(new LaneInput.HardwareFault("inbox", lost + " inputs dropped: the inbox was full"));
                }
                if (monoMs.getAsLong() >= nextListPollMs) {
                    shell.refreshLists();
                    nextListPollMs = monoMs.getAsLong() + LIST_POLL_INTERVAL_MS;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException | Error e) {
            failure = e;
            LOG.log(System.Logger.Level.ERROR, "lane thread stopped", e);
        }
    }

    /** Stops the lane thread after the input it is handling; the journal keeps everything already done. */
    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
