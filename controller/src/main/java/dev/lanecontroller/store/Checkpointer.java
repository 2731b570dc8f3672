package dev.lanecontroller.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Copies the write-ahead log back into the database file on its own thread and connection, so the
 * lane thread's commits never pay for it. PASSIVE: it never waits for, or blocks, a writer or a reader.
 *
 * <p>Seldom, for the SD card (issue 19): a checkpoint writes every page changed since the last
 * one, so checkpointing after each commit wrote the journal's last page twice per event; once
 * every {@link #INTERVAL_MS} or {@link #COMMITS_MAX} commits, a page filled by many events is
 * written back once. The WAL stays bounded (a few MB) and every commit is as durable as before.
 *
 * <p>A simulation makes it without its thread and calls {@link #tick} in virtual time, so that what
 * is written down at a simulated power cut is decided by the seed (issue 18).
 */
final class Checkpointer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Checkpointer.class.getName());
    /** How often it looks whether a checkpoint is due, and runs the journal's housekeeping. */
    static final long TICK_MS = 1_000;
    static final long INTERVAL_MS = 300_000;
    /** Commits (weighted by the pages they may touch) between checkpoints at most. */
    static final long COMMITS_MAX = 1_000;

    private final Connection connection;
    private final LongSupplier commits;
    private final Runnable housekeeping;
    private final LongSupplier monoNs;
    /** Null when the caller ticks it (a simulation). */
    private final ScheduledExecutorService thread;
    private long failures;
    private long commitsAtLast;
    private long lastAtNs;

    /**
     * {@code commits}: a count that grows with what was written; {@code housekeeping} runs every tick
     * before the check; {@code ownThread}: false when the caller calls {@link #tick} itself.
     */
    Checkpointer(Database database, LongSupplier commits, Runnable housekeeping, LongSupplier monoNs, boolean ownThread) throws SQLException {
        this.connection = database.connect();
        this.commits = commits;
        this.housekeeping = housekeeping;
        this.monoNs = monoNs;
        this.lastAtNs = monoNs.getAsLong();
        if (ownThread) {
            thread = Executors.newSingleThreadScheduledExecutor(runnable -> {
                Thread checkpoints = new Thread(runnable, "wal-checkpoint");
                checkpoints.setDaemon(true);
                return checkpoints;
            });
            thread.scheduleWithFixedDelay(this::tick, TICK_MS, TICK_MS, TimeUnit.MILLISECONDS);
        } else {
            thread = null;
        }
    }

    void tick() {
        try {
            housekeeping.run();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "journal housekeeping failed: " + e);
        }
        long now = commits.getAsLong();
        if (now - commitsAtLast >= COMMITS_MAX || monoNs.getAsLong() - lastAtNs >= INTERVAL_MS * 1_000_000) {
            checkpoint();
            commitsAtLast = now;
            lastAtNs = monoNs.getAsLong();
        }
    }

    private void checkpoint() {
        try (Statement statement = connection.createStatement()) {
            statement.execute("PRAGMA wal_checkpoint(PASSIVE)");
        } catch (SQLException e) {
            // The WAL grows until the next try; nothing is lost, the journal's commits are already durable.
            failures++;
            LOG.log(System.Logger.Level.WARNING, "WAL checkpoint failed (" + failures + " so far): " + e.getMessage());
        }
    }

    @Override
    public void close() {
        try {
            if (thread != null) {
                thread.shutdown();
                thread.awaitTermination(5, TimeUnit.SECONDS);
            }
            checkpoint();
            connection.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (SQLException e) {
            LOG.log(System.Logger.Level.WARNING, "closing the checkpointer: " + e.getMessage());
        }
    }
}
