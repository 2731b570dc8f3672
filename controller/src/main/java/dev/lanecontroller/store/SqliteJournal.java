package dev.lanecontroller.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * The journal in SQLite: one row per event, committed with synchronous=FULL. Sequence numbers go on
 * from the last row on disk, so a restart never reuses one; an event that was not committed was
 * never acted on (the shell actuates only after {@link #append} returns).
 */
public final class SqliteJournal implements Journal {
    /** Reading more at once only costs memory: the outbox reads in pages. */
    public static final int READ_LIMIT_MAX = 10_000;

    private final Connection connection;
    private final EventChain chain;
    private final PreparedStatement insert;
    /** Commits so far, weighted by the pages they may touch: what the checkpointer paces itself by. */
    private final java.util.concurrent.atomic.AtomicLong commitWeight = new java.util.concurrent.atomic.AtomicLong();
    private final PreparedStatement rememberMode;
    /** The event type whose "to" the journal keeps in meta: the lane's mode as a command left it. */
    private static final String MODE_CHANGED = "MODE_CHANGED";
    private static final String COMMANDED_MODE_KEY = "commanded_mode";
    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();
    private final Checkpointer checkpointer;
    private final Database database;
    private final java.util.function.LongSupplier monoNs;
    /** Volatile: the checkpointer's housekeeping reads it without the journal's lock. */
    private volatile SqliteOutbox outbox;

    public SqliteJournal(Database database, String bootId) {
        this(database, bootId, System::nanoTime);
    }

    /** {@code monoNs}: the clock the outbox writes its acknowledgements down by (a test's own). */
    SqliteJournal(Database database, String bootId, java.util.function.LongSupplier monoNs) {
        this(database, bootId, monoNs, true);
    }

    /**
     * {@code housekeepingThread} false: nothing runs on its own; a simulation calls {@link #housekeep}
     * in virtual time, so that what is written down when it cuts the power is decided by its seed.
     */
    SqliteJournal(Database database, String bootId, java.util.function.LongSupplier monoNs, boolean housekeepingThread) {
        this.database = database;
        this.monoNs = monoNs;
        try {
            connection = database.connect();
            String lastHash = EventChain.GENESIS_HASH;
            long lastSeq = 0;
            try (Statement statement = connection.createStatement();
                 ResultSet last = statement.executeQuery("SELECT seq, hash FROM journal ORDER BY seq DESC LIMIT 1")) {
                if (last.next()) {
                    lastSeq = last.getLong(1);
                    lastHash = last.getString(2);
                }
            }
            chain = new EventChain(bootId, lastSeq, lastHash);
            insert = connection.prepareStatement("INSERT INTO journal(seq, boot_id, mono_ms, wall_ms, clock_synced, type, payload, "
                    + "prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
            rememberMode = connection.prepareStatement("INSERT OR REPLACE INTO meta(key, value) VALUES ('" + COMMANDED_MODE_KEY + "', ?)");
            checkpointer = new Checkpointer(database, commitWeight::get, this::housekeeping, monoNs, housekeepingThread);
        } catch (SQLException e) {
            throw new StoreException("cannot open the journal in " + database.file() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized List<JournalEntry> append(List<EventDraft> events) {
        if (events.isEmpty()) {
            return List.of();
        }
        List<JournalEntry> entries = new ArrayList<>(events.size());
        long seq = chain.lastSeq();
        String prevHash = chain.lastHash();
        for (EventDraft draft : events) {
            JournalEntry entry = chain.next(draft, ++seq, prevHash);
            entries.add(entry);
            prevHash = entry.hash();
        }
        try {
            WriteTransaction.run(connection, () -> {
                for (JournalEntry entry : entries) {
                    insert.setLong(1, entry.seq());
                    insert.setString(2, entry.bootId());
                    insert.setLong(3, entry.monoMs());
                    insert.setLong(4, entry.wallMs());
                    insert.setInt(5, entry.clockSynced() ? 1 : 0);
                    insert.setString(6, entry.type());
                    insert.setString(7, entry.payloadJson());
                    insert.setString(8, entry.prevHash());
                    insert.setString(9, entry.hash());
                    insert.addBatch();
                }
                try {
                    insert.executeBatch();
                } finally {
                    insert.clearBatch();
                }
                String commanded = EventDraft.lastCommandedMode(events);
                if (commanded != null) {
                    rememberMode.setString(1, commanded);
                    rememberMode.executeUpdate();
                }
                return null;
            });
        } catch (SQLException e) {
            throw new StoreException("journal write failed: " + e.getMessage(), e);
        }
        chain.commit(entries.get(entries.size() - 1));
        commitWeight.addAndGet(1 + entries.size() / 4);
        return entries;
    }

    @Override
    public synchronized String commandedMode() {
        try (Statement statement = connection.createStatement()) {
            try (ResultSet row = statement.executeQuery("SELECT value FROM meta WHERE key = '" + COMMANDED_MODE_KEY + "'")) {
                if (row.next()) {
                    return row.getString(1);
                }
            }
            // A journal from before the mode was kept in meta: its last MODE_CHANGED, once.
            try (ResultSet row = statement.executeQuery("SELECT payload FROM journal WHERE type = '" + MODE_CHANGED
                    + "' ORDER BY seq DESC LIMIT 1")) {
                if (row.next()) {
                    com.fasterxml.jackson.databind.JsonNode to = JSON.readTree(row.getString(1)).get("to");
                    return to == null || !to.isTextual() ? null : to.asText();
                }
            }
            return null;
        } catch (SQLException | java.io.IOException e) {
            throw new StoreException("cannot read the commanded mode: " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized long lastSeq() {
        return chain.lastSeq();
    }

    @Override
    public synchronized List<JournalEntry> read(long afterSeq, int limit) {
        return query(SELECT_ENTRY + "WHERE seq > ? ORDER BY seq LIMIT ?", afterSeq, limit);
    }

    /** A second's housekeeping (acknowledgements written down, the WAL checkpointed when due), for a journal made without its thread. */
    void housekeep() {
        checkpointer.tick();
    }

    /**
     * The process dies (a power cut, SIGKILL): the connections close with nothing more written, so
     * acknowledgements not written down yet are lost, as they would be. What SQLite committed stays
     * (synchronous=FULL); that it also survives a real power cut is the SIGKILL campaign's to prove.
     */
    synchronized void dieWithoutWritingDown() {
        if (outbox != null) {
            outbox.dieWithoutWritingDown();
        }
        closeConnections();
    }

    /** On the checkpointer's thread, every second: acknowledgements that waited long enough are written down. */
    private void housekeeping() {
        SqliteOutbox current = outbox;
        if (current != null) {
            current.persistIfDue();
        }
    }

    @Override
    public synchronized Outbox outbox() {
        if (outbox == null) {
            outbox = new SqliteOutbox(database, this, monoNs);
        }
        return outbox;
    }

    /** Rows deleted per purge transaction: the lane's appends wait for one batch at most. */
    static final int PURGE_BATCH_ROWS = 1_000;

    /**
     * Deletes the oldest events, up to the first that central has not acknowledged or that is not
     * older than {@code wallMs} (the retention period, DESIGN §8). Only ever a prefix, so what is
     * left still verifies as one unbroken chain; never the newest event, which carries the
     * sequence on. Works in small transactions, so the lane's journal is never held up for long.
     * Returns how many events were deleted.
     */
    public int purgeSentBefore(long wallMs) {
        SqliteOutbox current = outbox;
        if (current != null) {
            current.persist(); // what central acknowledged since the last write-down may go too
        }
        int total = 0;
        while (true) {
            int deleted = purgeBatch(wallMs);
            total += deleted;
            if (deleted < PURGE_BATCH_ROWS) {
                return total;
            }
        }
    }

    private synchronized int purgeBatch(long wallMs) {
        try (PreparedStatement delete = connection.prepareStatement("DELETE FROM journal WHERE seq IN (SELECT seq FROM journal WHERE seq < "
                + "MIN(COALESCE((SELECT CAST(value AS INTEGER) + 1 FROM meta WHERE key = '" + SqliteOutbox.ACKED_THROUGH_KEY + "'), 0), "
                + "(SELECT COALESCE(MIN(seq), ?) FROM journal WHERE wall_ms >= ?), ?) "
                + "ORDER BY seq LIMIT ?)")) {
            long last = chain.lastSeq();
            delete.setLong(1, last);
            delete.setLong(2, wallMs);
            delete.setLong(3, last);
            delete.setInt(4, PURGE_BATCH_ROWS);
            int deleted = delete.executeUpdate(); // one statement: atomic on its own
            commitWeight.addAndGet(1 + deleted / 8);
            return deleted;
        } catch (SQLException e) {
            throw new StoreException("cannot purge sent events: " + e.getMessage(), e);
        }
    }

    static final String SELECT_ENTRY = "SELECT seq, boot_id, mono_ms, wall_ms, clock_synced, type, payload, prev_hash, hash "
            + "FROM journal ";

    private List<JournalEntry> query(String sql, long afterSeq, int limit) {
        return query(connection, sql, afterSeq, limit);
    }

    static List<JournalEntry> query(Connection connection, String sql, long afterSeq, int limit) {
        if (limit < 1 || limit > READ_LIMIT_MAX) {
            throw new IllegalArgumentException("limit must be 1.." + READ_LIMIT_MAX + ", got " + limit);
        }
        List<JournalEntry> entries = new ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement(sql)) {
            select.setLong(1, afterSeq);
            select.setInt(2, limit);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    entries.add(new JournalEntry(rows.getLong(1), rows.getString(2), rows.getLong(3), rows.getLong(4),
                            rows.getInt(5) == 1, rows.getString(6), rows.getString(7), rows.getString(8), rows.getString(9)));
                }
            }
        } catch (SQLException e) {
            throw new StoreException("cannot read the journal: " + e.getMessage(), e);
        }
        return entries;
    }

    @Override
    public synchronized void close() {
        if (outbox != null) {
            outbox.close();
        }
        closeConnections();
    }

    private void closeConnections() {
        checkpointer.close();
        try {
            insert.close();
            rememberMode.close();
            connection.close();
        } catch (SQLException e) {
            throw new StoreException("cannot close the journal: " + e.getMessage(), e);
        }
    }
}
