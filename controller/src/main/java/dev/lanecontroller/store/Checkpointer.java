package dev.lanecontroller.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Copies the write-ahead log back into the database file on its own thread and connection, so the
 * lane thread's commits never pay for it. PASSIVE: it never waits for, or blocks, a writer or a reader.
 */
final class Checkpointer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Checkpointer.class.getName());

    private final Connection connection;
    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread checkpoints = new Thread(runnable, "wal-checkpoint");
        checkpoints.setDaemon(true);
        return checkpoints;
    });
    private long failures;

    Checkpointer(Database database, long intervalMs) throws SQLException {
        connection = database.connect();
        thread.scheduleWithFixedDelay(this::checkpoint, intervalMs, intervalMs, TimeUnit.MILLISECONDS);
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
        thread.shutdown();
        try {
            thread.awaitTermination(5, TimeUnit.SECONDS);
            checkpoint();
            connection.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (SQLException e) {
            LOG.log(System.Logger.Level.WARNING, "closing the checkpointer: " + e.getMessage());
        }
    }
}
