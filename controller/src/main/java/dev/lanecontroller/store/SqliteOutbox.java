package dev.lanecontroller.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * The outbox over the SQLite journal, on a connection of its own so the link's reads never wait
 * on the lane's commits (WAL readers do not block the writer).
 *
 * <p>What central acknowledged is an {@link AckCursor}: everything up to {@code acked_through},
 * and the ranges above it acknowledged out of order (live events overtake a backlog). An append
 * writes nothing here, so a commit touches one page of the journal and no other (issue 19: the
 * SD card's wear). Acknowledgements take effect at once in memory and reach the database at most
 * every {@link #PERSIST_INTERVAL_MS} or {@link #PERSIST_ACKS_MAX} acknowledgements, each time
 * synced (one small commit, not one per event): what a power cut forgets of them, at most that
 * interval's worth, is only sent again, and consumers dedupe.
 */
final class SqliteOutbox implements Outbox, AutoCloseable {
    private static final System.Logger LOG = System.getLogger(SqliteOutbox.class.getName());
    /** How long an acknowledgement may live in memory only: after a power cut, at most this much is sent again. */
    static final long PERSIST_INTERVAL_MS = 30_000;
    /** ... or this many acknowledgements (a drain after an outage acknowledges tens of thousands a second). */
    static final int PERSIST_ACKS_MAX = 10_000;
    static final String ACKED_THROUGH_KEY = "acked_through";

    private final Connection connection;
    private final SqliteJournal journal;
    private final String journalId;
    private final AckCursor acks;
    /**
     * The first acknowledgements after a start are written down at once: a lane restarted again
     * and again within {@link #PERSIST_INTERVAL_MS} would otherwise send everything since its last
     * clean stop after every start, a resend that grows with each crash.
     */
    private long persistedAtNs;
    private long acksSincePersist;
    private boolean rangesChanged;
    private boolean closed;

    private final java.util.function.LongSupplier monoNs;

    SqliteOutbox(Database database, SqliteJournal journal, java.util.function.LongSupplier monoNs) {
        this.journal = journal;
        this.monoNs = monoNs;
        this.persistedAtNs = monoNs.getAsLong() - PERSIST_INTERVAL_MS * 1_000_000;
        try {
            connection = database.connect();
            try (Statement statement = connection.createStatement()) {
                try (ResultSet id = statement.executeQuery("SELECT value FROM meta WHERE key = 'journal_id'")) {
                    if (!id.next()) {
                        throw new StoreException("the database has no journal id: it was not created by this software");
                    }
                    journalId = id.getString(1);
                }
                acks = load(statement);
            }
        } catch (SQLException e) {
            throw new StoreException("cannot open the outbox: " + e.getMessage(), e);
        }
    }

    private static AckCursor load(Statement statement) throws SQLException {
        long through = 0;
        try (ResultSet row = statement.executeQuery("SELECT CAST(value AS INTEGER) FROM meta WHERE key = '" + ACKED_THROUGH_KEY + "'")) {
            if (row.next()) {
                through = row.getLong(1);
            }
        }
        AckCursor cursor = new AckCursor(through);
        try (ResultSet rows = statement.executeQuery("SELECT from_seq, to_seq FROM acked_ahead ORDER BY from_seq")) {
            while (rows.next()) {
                cursor.add(rows.getLong(1), rows.getLong(2));
            }
        }
        return cursor;
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
        try (Statement statement = connection.createStatement(); ResultSet row = statement.executeQuery("SELECT COALESCE(MIN(seq), 0) FROM journal")) {
            row.next();
            return row.getLong(1);
        } catch (SQLException e) {
            throw new StoreException("cannot read the outbox: " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized List<JournalEntry> unsent(long afterSeq, int limit) {
        List<JournalEntry> entries = new ArrayList<>();
        long from = Math.max(afterSeq, acks.through()) + 1;
        // One query per run of unacknowledged numbers: the acknowledged ranges are skipped, not read.
        while (entries.size() < limit) {
            from = acks.nextUnacked(from);
            long to = acks.unackedRunEnd(from);
            int wanted = limit - entries.size();
            List<JournalEntry> run = SqliteJournal.query(connection, SqliteJournal.SELECT_ENTRY
                    + "WHERE seq >= ? AND seq <= " + to + " ORDER BY seq LIMIT ?", from, wanted);
            entries.addAll(run);
            if (run.size() == wanted || to == Long.MAX_VALUE) {
                break;
            }
            from = to + 1;
        }
        return entries;
    }

    @Override
    public synchronized List<JournalEntry> read(long afterSeq, int limit) {
        return SqliteJournal.query(connection, SqliteJournal.SELECT_ENTRY + "WHERE seq > ? ORDER BY seq LIMIT ?", afterSeq, limit);
    }

    @Override
    public long unsentCount() {
        long last = journal.lastSeq(); // outside this lock: the journal's lock is never taken inside it
        synchronized (this) {
            return Math.max(0, last - acks.through() - acks.aheadCountThrough(last));
        }
    }

    @Override
    public long oldestUnsentSeq() {
        long last = journal.lastSeq();
        synchronized (this) {
            long oldest = acks.nextUnacked(acks.through() + 1);
            return oldest > last ? 0 : oldest;
        }
    }

    @Override
    public void markSent(List<Long> seqs) {
        long last = journal.lastSeq();
        synchronized (this) {
            mark(seqs, last);
        }
    }

    private void mark(List<Long> seqs, long last) {
        // A number not journaled yet cannot have been acknowledged: taken, it would pass for sent once journaled.
        long[] sorted = seqs.stream().mapToLong(Long::longValue).filter(seq -> seq >= 1 && seq <= last).sorted().toArray();
        if (sorted.length < seqs.size()) {
            LOG.log(System.Logger.Level.ERROR, (seqs.size() - sorted.length) + " acknowledgements of numbers never journaled ignored (last is "
                    + last + ")");
        }
        if (sorted.length == 0) {
            return;
        }
        int from = 0;
        for (int i = 1; i <= sorted.length; i++) {
            if (i == sorted.length || sorted[i] > sorted[i - 1] + 1) {
                rangesChanged |= acks.add(sorted[from], sorted[i - 1]);
                from = i;
            }
        }
        acksSincePersist += sorted.length;
        persistIfDue();
    }

    /** Writes the acknowledgements down if they waited long enough, or are many; the journal's housekeeping calls it too. */
    synchronized void persistIfDue() {
        if (!closed && acksSincePersist > 0
                && (acksSincePersist >= PERSIST_ACKS_MAX || monoNs.getAsLong() - persistedAtNs >= PERSIST_INTERVAL_MS * 1_000_000)) {
            persist();
        }
    }

    /** Writes the acknowledgements down now (a clean stop). */
    synchronized void persist() {
        if (acksSincePersist == 0) {
            return;
        }
        try (PreparedStatement through = connection.prepareStatement("INSERT INTO meta(key, value) VALUES ('" + ACKED_THROUGH_KEY + "', ?) "
                + "ON CONFLICT(key) DO UPDATE SET value = excluded.value");
             PreparedStatement range = connection.prepareStatement("INSERT INTO acked_ahead(from_seq, to_seq) VALUES (?, ?)");
             Statement statement = connection.createStatement()) {
            WriteTransaction.run(connection, () -> {
                through.setString(1, Long.toString(acks.through()));
                through.executeUpdate();
                if (rangesChanged) {
                    statement.execute("DELETE FROM acked_ahead");
                    for (long[] ahead : acks.ranges()) {
                        range.setLong(1, ahead[0]);
                        range.setLong(2, ahead[1]);
                        range.addBatch();
                    }
                    range.executeBatch();
                }
                return null;
            });
            acksSincePersist = 0;
            rangesChanged = false;
            persistedAtNs = monoNs.getAsLong();
        } catch (SQLException e) {
            // Kept in memory and tried again: if the lane stops first, those events only go again.
            persistedAtNs = monoNs.getAsLong();
            LOG.log(System.Logger.Level.WARNING, "acknowledgements not written down (they stay in memory, tried again later): " + e.getMessage());
        }
    }

    /** For {@link SqliteJournal#dieWithoutWritingDown}: closes without writing the acknowledgements down. */
    synchronized void dieWithoutWritingDown() {
        acksSincePersist = 0;
        close();
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        persist();
        closed = true;
        try {
            connection.close();
        } catch (SQLException e) {
            throw new StoreException("cannot close the outbox: " + e.getMessage(), e);
        }
    }
}
