package dev.lanecontroller.store;

import dev.lanecontroller.core.ListInfo;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.sqlite.ProgressHandler;
import java.util.Collection;
import java.util.List;

/**
 * Builds one version of a program's list in a file of its own, beside the lane's database, so the
 * build never holds the lane database's write lock: the lane journals and decides on the old
 * version throughout. Nothing is durable or in force until {@link #finish}: the file is written
 * without a rollback journal, synced once, renamed into place, and then one committed update of
 * {@code list_in_force} swaps it in. {@link #abort} (or a crash) leaves only a part file, which the
 * next start deletes.
 */
public final class ListBuilder implements AutoCloseable {
    /** Page cache of the build connection (KiB, negative per SQLite): the unique index's sort runs in it. */
    static final int BUILD_CACHE_KIB = 65_536;
    /**
     * The part file is synced each time it grew by this much while the cards go in, so that the
     * sync before the swap does not push hundreds of MB to the card at once: the lane's journal
     * commits on the same filesystem wait for such a flush. Measured at 3,000,000 cards, the longest
     * decision during the apply: one sync at the end 141-241 ms, steps of 64 MB 60 ms, of 8 MB 36-44
     * ms, of 1 MB 16 ms (docs/performance.md).
     */
    static final long SYNC_STEP_BYTES = 1024 * 1024;

    private final ClearanceStore store;
    private final String program;
    private final long version;
    private final long issuedWallMs;
    private final long expiresWallMs;
    private final Path partFile;
    private final Path finalFile;
    private final boolean fromSnapshot;
    private final Connection connection;
    private final PreparedStatement insert;
    private final StepSync stepSync;
    private PreparedStatement upsert;
    private PreparedStatement delete;
    private boolean done;
    /** Batches for the writer thread: a few chunks' worth at most. */
    private final java.util.concurrent.BlockingQueue<List<CardRecord>> pending = new java.util.concurrent.ArrayBlockingQueue<>(1);
    /** Marks the end for the writer; compared by identity, so it must be an object no batch can be. */
    private static final List<CardRecord> END_OF_BATCHES = java.util.Collections.unmodifiableList(new java.util.ArrayList<>());
    private Thread writer;
    private volatile Exception writeFailure;

    ListBuilder(ClearanceStore store, String program, long version, long issuedWallMs, long expiresWallMs, Path listDir,
                Path copyOf) throws SQLException, IOException {
        this.store = store;
        this.program = program;
        this.version = version;
        this.issuedWallMs = issuedWallMs;
        this.expiresWallMs = expiresWallMs;
        this.finalFile = listDir.resolve(ClearanceStore.fileName(program, version));
        this.partFile = listDir.resolve(finalFile.getFileName() + ".part");
        this.fromSnapshot = copyOf == null;
        Files.createDirectories(listDir);
        Files.deleteIfExists(partFile);
        if (copyOf != null) {
            copyInSteps(copyOf, partFile);
        }
        connection = DriverManager.getConnection("jdbc:sqlite:" + partFile.toAbsolutePath());
        try (Statement statement = connection.createStatement()) {
            statement.execute("PRAGMA journal_mode = OFF");
            statement.execute("PRAGMA synchronous = OFF");
            statement.execute("PRAGMA cache_size = -" + BUILD_CACHE_KIB);
            if (copyOf == null) {
                statement.execute("CREATE TABLE cards (epc TEXT NOT NULL, status INTEGER NOT NULL, expires_wall_ms INTEGER NOT NULL,"
                        + " plates TEXT NOT NULL, tid TEXT, lookout INTEGER NOT NULL)");
            }
        }
        stepSync = new StepSync(partFile);
        ProgressHandler.setHandler(connection, StepSync.VM_STEPS, stepSync);
        connection.setAutoCommit(false);
        insert = connection.prepareStatement("INSERT INTO cards (epc, status, expires_wall_ms, plates, tid, lookout) VALUES (?, ?, ?, ?, ?, ?)");
    }

    public String program() {
        return program;
    }

    public long version() {
        return version;
    }

    /**
     * Adds records to a snapshot; duplicates are found at {@link #finish}. The inserts run on a
     * writer thread of the builder's own, so the caller (reading a file, or checking chunks from
     * central) works while the previous batch is written; a bounded queue keeps memory flat, and a
     * write failure comes out of the next call or of {@link #finish}.
     */
    public void add(Collection<CardRecord> records) {
        rethrowWriteFailure();
        if (writer == null) {
            writer = new Thread(this::writeBatches, "list-writer-" + program + "-v" + version);
            writer.setDaemon(true);
            // Below the lane thread (docs/performance.md, "The decision tail").
            writer.setPriority(Thread.MIN_PRIORITY);
            writer.start();
        }
        try {
            while (!pending.offer(List.copyOf(records), 1, java.util.concurrent.TimeUnit.SECONDS)) {
                rethrowWriteFailure();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException("interrupted while building " + program + " v" + version, null);
        }
    }

    private void writeBatches() {
        try {
            while (true) {
                List<CardRecord> batch = pending.take();
                if (batch == END_OF_BATCHES) {
                    return;
                }
                for (CardRecord record : batch) {
                    bind(insert, record);
                    insert.addBatch();
                }
                insert.executeBatch();
            }
        } catch (SQLException | RuntimeException e) {
            writeFailure = e;
            pending.clear();
        } catch (InterruptedException e) {
            writeFailure = e;
        }
    }

    /** Waits for the writer to write everything queued. */
    private void drainWriter() {
        if (writer == null) {
            return;
        }
        try {
            while (writer.isAlive() && !pending.offer(END_OF_BATCHES, 100, java.util.concurrent.TimeUnit.MILLISECONDS)) {
                rethrowWriteFailure();
            }
            writer.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException("interrupted while building " + program + " v" + version, null);
        }
        writer = null;
        rethrowWriteFailure();
    }

    private void rethrowWriteFailure() {
        Exception failure = writeFailure;
        if (failure != null) {
            throw new StoreException("building " + program + " v" + version + " failed: " + failure.getMessage(), failure);
        }
    }

    /** Adds or replaces one card (a delta). */
    public void upsert(CardRecord record) {
        try {
            if (upsert == null) {
                upsert = connection.prepareStatement("INSERT INTO cards (epc, status, expires_wall_ms, plates, tid, lookout) "
                        + "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(epc) DO UPDATE SET status = excluded.status, "
                        + "expires_wall_ms = excluded.expires_wall_ms, plates = excluded.plates, tid = excluded.tid, lookout = excluded.lookout");
            }
            bind(upsert, record);
            upsert.executeUpdate();
        } catch (SQLException e) {
            throw new StoreException("building " + program + " v" + version + " failed: " + e.getMessage(), e);
        }
    }

    /** Removes one card (a delta); a card that is not on the list means the delta does not fit this version. */
    public void remove(String epcHex) {
        try {
            if (delete == null) {
                delete = connection.prepareStatement("DELETE FROM cards WHERE epc = ?");
            }
            delete.setString(1, epcHex);
            if (delete.executeUpdate() != 1) {
                throw new StoreException("card " + epcHex + " is to be removed but is not on " + program + " v" + (version - 1));
            }
        } catch (SQLException e) {
            throw new StoreException("building " + program + " v" + version + " failed: " + e.getMessage(), e);
        }
    }

    private static void bind(PreparedStatement statement, CardRecord record) throws SQLException {
        statement.setString(1, record.epcHex());
        statement.setInt(2, record.status().ordinal());
        statement.setLong(3, record.expiresWallMs());
        statement.setString(4, String.join("|", record.plates()));
        statement.setString(5, record.tidHex());
        statement.setInt(6, record.lookout() ? 1 : 0);
    }

    /**
     * Checks the build (no card twice; the count central announced, when it did), makes it durable
     * and puts it in force. Throws, leaving the old version in force, when any of that fails.
     */
    public ListInfo finish(Long expectedEntries, long nowWallMs) {
        try {
            drainWriter();
            try (Statement statement = connection.createStatement()) {
                if (fromSnapshot) {
                    createIndex(statement);
                }
                long count;
                try (ResultSet rows = statement.executeQuery("SELECT COUNT(*) FROM cards")) {
                    rows.next();
                    count = rows.getLong(1);
                }
                if (expectedEntries != null && count != expectedEntries) {
                    throw new StoreException(program + " v" + version + " has " + count + " cards, but its manifest announced "
                            + expectedEntries);
                }
                connection.commit();
                closeConnection();
                sync(partFile);
                Files.move(partFile, finalFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                sync(finalFile.getParent());
                ListInfo list = new ListInfo(program, version, issuedWallMs, expiresWallMs, count);
                store.swapIn(list, finalFile, nowWallMs);
                done = true;
                return list;
            }
        } catch (SQLException | IOException e) {
            throw new StoreException("finishing " + program + " v" + version + " failed: " + e.getMessage(), e);
        } finally {
            if (!done) {
                abort();
            }
        }
    }

    private void createIndex(Statement statement) throws SQLException {
        try {
            statement.execute("CREATE UNIQUE INDEX cards_epc ON cards (epc)");
        } catch (SQLException e) {
            try (ResultSet duplicate = statement.executeQuery("SELECT epc, MIN(rowid), MAX(rowid) FROM cards"
                    + " GROUP BY epc HAVING COUNT(*) > 1 LIMIT 1")) {
                if (duplicate.next()) {
                    throw new StoreException("card " + duplicate.getString(1) + " is listed twice (records " + duplicate.getLong(2)
                            + " and " + duplicate.getLong(3) + ", counting from 1): nothing was imported");
                }
            }
            throw e;
        }
    }

    private static void sync(Path path) throws IOException {
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    /**
     * Syncs the part file whenever it grew by {@link #SYNC_STEP_BYTES}, from inside SQLite's own
     * steps, so that the inserts and the unique index (one statement) are both flushed in steps.
     */
    private static final class StepSync extends ProgressHandler {
        /** SQLite virtual-machine steps between looks at the file's size (a stat each). */
        static final int VM_STEPS = 100_000;
        private final FileChannel file;
        private long syncedBytes;
        private IOException failure;

        StepSync(Path partFile) throws IOException {
            this.file = FileChannel.open(partFile, StandardOpenOption.READ);
            this.syncedBytes = file.size(); // a delta's copy is synced already
        }

        @Override
        protected int progress() {
            try {
                long size = file.size();
                if (size - syncedBytes >= SYNC_STEP_BYTES) {
                    file.force(false);
                    syncedBytes = size;
                }
                return 0;
            } catch (IOException e) {
                failure = e;
                return 1; // interrupts the statement: the build fails, the version in force stays
            }
        }

        void close() throws IOException {
            file.close();
            if (failure != null) {
                throw failure;
            }
        }
    }

    /** A delta's starting point: the version in force copied and synced {@link #SYNC_STEP_BYTES} at a time. */
    private static void copyInSteps(Path from, Path to) throws IOException {
        try (FileChannel in = FileChannel.open(from, StandardOpenOption.READ);
             FileChannel out = FileChannel.open(to, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            long size = in.size();
            for (long at = 0; at < size; ) {
                long copied = in.transferTo(at, Math.min(SYNC_STEP_BYTES, size - at), out);
                if (copied <= 0) {
                    throw new IOException(from + " ended at " + at + " bytes of " + size + " while it was copied");
                }
                at += copied;
                out.force(false);
            }
        }
    }

    private void closeConnection() throws SQLException {
        try {
            stepSync.close();
        } catch (IOException e) {
            throw new SQLException("syncing the list file in steps failed: " + e.getMessage(), e);
        }
        insert.close();
        if (upsert != null) {
            upsert.close();
        }
        if (delete != null) {
            delete.close();
        }
        connection.close();
    }

    /** Throws the build away; the version in force is untouched. */
    public void abort() {
        if (done) {
            return;
        }
        done = true;
        if (writer != null) {
            writer.interrupt();
            try {
                writer.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try {
            if (!connection.isClosed()) {
                closeConnection();
            }
        } catch (SQLException e) {
            // Closing a connection we are throwing away: the file goes next.
        }
        try {
            Files.deleteIfExists(partFile);
        } catch (IOException e) {
            // The next start deletes part files.
        }
    }

    @Override
    public void close() {
        abort();
    }
}
