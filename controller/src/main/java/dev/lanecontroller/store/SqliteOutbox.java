package dev.lanecontroller.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * The outbox over the SQLite journal, on a connection of its own so the link's reads never wait
 * on the lane's commits (WAL readers do not block the writer). Marks are committed without an
 * fsync: a mark lost in a power cut only sends that event again, which consumers dedupe.
 */
final class SqliteOutbox implements Outbox, AutoCloseable {
    private final Connection connection;
    private final SqliteJournal journal;
    private final String journalId;

    SqliteOutbox(Database database, SqliteJournal journal) {
        this.journal = journal;
        try {
            connection = database.connect();
            try (Statement statement = connection.createStatement()) {
                statement.execute("PRAGMA synchronous = NORMAL");
                try (ResultSet id = statement.executeQuery("SELECT value FROM meta WHERE key = 'journal_id'")) {
                    if (!id.next()) {
                        throw new StoreException("the database has no journal id: it was not created by this software");
                    }
                    journalId = id.getString(1);
                }
            }
        } catch (SQLException e) {
            throw new StoreException("cannot open the outbox: " + e.getMessage(), e);
        }
    }

    @Override
    public String journalId() {
        return journalId;
    }

    @Override
    public long lastSeq() {
        return journal.lastSeq();
    }

    @Override
    public synchronized long firstSeq() {
        return single("SELECT COALESCE(MIN(seq), 0) FROM journal");
    }

    @Override
    public synchronized List<JournalEntry> unsent(long afterSeq, int limit) {
        return SqliteJournal.query(connection, SqliteJournal.SELECT_ENTRY + "WHERE seq IN (SELECT seq FROM outbox WHERE seq > ? "
                + "ORDER BY seq LIMIT ?) ORDER BY seq", afterSeq, limit);
    }

    @Override
    public synchronized List<JournalEntry> read(long afterSeq, int limit) {
        return SqliteJournal.query(connection, SqliteJournal.SELECT_ENTRY + "WHERE seq > ? ORDER BY seq LIMIT ?", afterSeq, limit);
    }

    @Override
    public synchronized long unsentCount() {
        return single("SELECT COUNT(*) FROM outbox");
    }

    @Override
    public synchronized long oldestUnsentSeq() {
        return single("SELECT COALESCE(MIN(seq), 0) FROM outbox");
    }

    private long single(String sql) {
        try (Statement statement = connection.createStatement(); ResultSet row = statement.executeQuery(sql)) {
            row.next();
            return row.getLong(1);
        } catch (SQLException e) {
            throw new StoreException("cannot read the outbox: " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized void markSent(List<Long> seqs) {
        if (seqs.isEmpty()) {
            return;
        }
        // IMMEDIATE: take the write lock up front (waiting out the lane's commit), rather than read
        // first and find at the write that the lane committed in between (SQLITE_BUSY_SNAPSHOT).
        // Acknowledgements come nearly in order: one range update per run of consecutive numbers.
        long[] sorted = seqs.stream().mapToLong(Long::longValue).sorted().toArray();
        try (PreparedStatement update = connection.prepareStatement("DELETE FROM outbox WHERE seq BETWEEN ? AND ?")) {
            WriteTransaction.run(connection, () -> {
                int from = 0;
                for (int i = 1; i <= sorted.length; i++) {
                    if (i == sorted.length || sorted[i] > sorted[i - 1] + 1) {
                        update.setLong(1, sorted[from]);
                        update.setLong(2, sorted[i - 1]);
                        update.addBatch();
                        from = i;
                    }
                }
                return update.executeBatch();
            });
        } catch (SQLException e) {
            throw new StoreException("cannot mark events sent: " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized void close() {
        try {
            connection.close();
        } catch (SQLException e) {
            throw new StoreException("cannot close the outbox: " + e.getMessage(), e);
        }
    }
}
