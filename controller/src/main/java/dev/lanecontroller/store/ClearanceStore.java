package dev.lanecontroller.store;

import dev.lanecontroller.core.CardEntry;
import dev.lanecontroller.core.CardStatus;
import dev.lanecontroller.core.ListInfo;
import dev.lanecontroller.core.LogThinning;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.sqlite.SQLiteConfig;

/**
 * The clearance lists (DESIGN §6). Each version of a program's list is a SQLite file of its own in
 * {@code lists/} beside the lane's database, built by a {@link ListBuilder} and swapped in by one
 * committed update of {@code list_in_force} in the lane's database. So a lane decides on the old
 * version until the new one is complete, a bad record leaves nothing half-applied, and building a
 * 3,000,000-card list never holds the lock the lane's journal commits need.
 */
public final class ClearanceStore implements ClearanceLookup, AutoCloseable {
    public static final Pattern PROGRAM_NAME = Pattern.compile("[A-Z][A-Z0-9_]{0,15}");
    private static final System.Logger LOG = System.getLogger(ClearanceStore.class.getName());
    private long readFailures;

    private final Database database;
    private final Path listDir;
    private final Connection metaConnection;
    private final Map<String, OpenList> open = new LinkedHashMap<>();
    private List<ListInfo> inForce = List.of();
    private long dataVersion = -1;

    /** A list file open for lookups: its connection keeps one read transaction until the next poll. */
    private record OpenList(ListInfo list, Path file, Connection connection, PreparedStatement select) {}

    public ClearanceStore(Database database) {
        this.database = database;
        this.listDir = database.file().toAbsolutePath().resolveSibling("lists");
        try {
            metaConnection = database.connect();
        } catch (SQLException e) {
            throw new StoreException("cannot open the clearance lists: " + e.getMessage(), e);
        }
        refresh();
    }

    static String fileName(String program, long version) {
        return program + "-v" + version + ".db";
    }

    public Path listDir() {
        return listDir;
    }

    /**
     * Looks the card up in every list in force, as of the last poll of {@link #listsInForce} (the lane
     * thread polls each second). A lookup that races the removal of a replaced list re-reads the
     * lists and tries once more.
     */
    @Override
    public synchronized List<CardEntry> entriesFor(String epcHex) {
        try {
            return lookupAll(epcHex);
        } catch (StoreException stale) {
            refresh();
            return lookupAll(epcHex);
        }
    }

    private List<CardEntry> lookupAll(String epcHex) {
        List<CardEntry> entries = new ArrayList<>(1);
        for (OpenList list : open.values()) {
            CardEntry entry = lookup(list, epcHex);
            if (entry != null) {
                entries.add(entry);
            }
        }
        return entries;
    }

    @Override
    public synchronized List<ListInfo> listsInForce() {
        endReadTransactions();
        refreshIfChanged();
        return inForce;
    }

    /** The version of a program in force now, or null. */
    public synchronized ListInfo inForce(String program) {
        for (ListInfo list : listsInForce()) {
            if (list.program().equals(program)) {
                return list;
            }
        }
        return null;
    }

    /**
     * Lets go of the lookups' snapshots, so the next lookup sees a file swapped in since. A list
     * file that cannot be read (a failing SD card) must not stop its replacement from coming in:
     * its failure is logged here and shows in the lookups, which put the lane in FAULT.
     */
    private void endReadTransactions() {
        for (OpenList list : open.values()) {
            try {
                list.connection().commit();
            } catch (SQLException e) {
                if (LogThinning.worthLogging(++readFailures)) {
                    LOG.log(System.Logger.Level.WARNING, "cannot end the lookups' read transaction on " + list.list().program() + " v"
                            + list.list().version() + " (failure " + readFailures + "): " + e.getMessage());
                }
                try {
                    list.connection().rollback();
                } catch (SQLException alreadyEnded) {
                    // SQLite ended it itself: nothing more to do.
                }
            }
        }
    }

    /**
     * Imports a list file as the given version of a program's list. The version must be newer than
     * the one in force (no rollback); the whole file is checked before anything changes.
     */
    /**
     * Imports a list file as a new version. An empty one (no cards: an empty file, a header alone)
     * is refused unless {@code allowEmpty}: in force it would refer every member of the program.
     */
    public ListInfo importFile(Path file, String program, long version, long issuedWallMs, long expiresWallMs, long nowWallMs,
                               boolean allowEmpty) {
        ListFileReader.Format format = ListFileReader.formatOf(file.getFileName().toString());
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return importList(program, version, issuedWallMs, expiresWallMs, nowWallMs, sink -> {
                long cards = ListFileReader.read(in, format, sink);
                if (cards == 0 && !allowEmpty) {
                    throw new ListFormatException(1, "the file holds no card: in force, an empty list would refer every member of "
                            + program + " (import it with --allow-empty if that is what is meant)");
                }
                return cards;
            });
        } catch (IOException e) {
            throw new StoreException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** Where an import's records come from: a file, or a scenario's entries. */
    @FunctionalInterface
    public interface RecordSource {
        long feed(java.util.function.Consumer<CardRecord> sink) throws IOException;
    }

    /**
     * Imports records as a new version. Reading and checking the records runs on a thread of its
     * own while this one inserts (on two cores the import takes the longer of the two, not the
     * sum); a bounded queue of batches keeps the memory used independent of the list size.
     */
    public ListInfo importList(String program, long version, long issuedWallMs, long expiresWallMs, long nowWallMs,
                               RecordSource source) throws IOException {
        try (ListBuilder builder = beginSnapshot(program, version, issuedWallMs, expiresWallMs);
             BatchPipe pipe = new BatchPipe(source)) {
            List<CardRecord> batch;
            while ((batch = pipe.next()) != null) {
                builder.add(batch);
            }
            return builder.finish(pipe.recordCount(), nowWallMs);
        }
    }

    /** Starts a full new version of a program's list (a snapshot): newer than the one in force, never a rollback. */
    public ListBuilder beginSnapshot(String program, long version, long issuedWallMs, long expiresWallMs) {
        checkNew(program, version, issuedWallMs, expiresWallMs);
        try {
            return new ListBuilder(this, program, version, issuedWallMs, expiresWallMs, listDir, null);
        } catch (SQLException | IOException e) {
            throw new StoreException("cannot start " + program + " v" + version + ": " + e.getMessage(), e);
        }
    }

    /** Starts version {@code fromVersion + 1} as a copy of {@code fromVersion}, which must be the one in force (a delta). */
    public ListBuilder beginDelta(String program, long fromVersion, long issuedWallMs, long expiresWallMs) {
        ListInfo current = inForce(program);
        if (current == null || current.version() != fromVersion) {
            throw new StoreException("a delta from " + program + " v" + fromVersion + " does not apply: "
                    + (current == null ? "no version is in force" : "v" + current.version() + " is in force"));
        }
        checkNew(program, fromVersion + 1, issuedWallMs, expiresWallMs);
        try {
            return new ListBuilder(this, program, fromVersion + 1, issuedWallMs, expiresWallMs, listDir,
                    listDir.resolve(fileName(program, fromVersion)));
        } catch (SQLException | IOException e) {
            throw new StoreException("cannot start " + program + " v" + (fromVersion + 1) + ": " + e.getMessage(), e);
        }
    }

    private void checkNew(String program, long version, long issuedWallMs, long expiresWallMs) {
        checkProgram(program);
        if (version < 1 || version > VERSION_MAX) {
            throw new StoreException("version " + version + " of " + program + " is out of range: 1 to " + VERSION_MAX);
        }
        ListInfo current = inForce(program);
        if (current != null && version <= current.version()) {
            throw new StoreException("version " + version + " of " + program + " is not newer than version " + current.version()
                    + " in force: a list is never rolled back");
        }
        if (expiresWallMs <= issuedWallMs) {
            throw new StoreException("the list expires before it is issued");
        }
    }

    /** The highest list version: far above any real one, and exact in every JSON consumer (2^53). */
    public static final long VERSION_MAX = 1L << 53;

    /** The one committed step that puts a built version in force; the file it replaces is deleted. */
    void swapIn(ListInfo list, Path file, long nowWallMs) throws SQLException {
        ListInfo replaced = swapInLocked(list, file, nowWallMs);
        if (replaced != null) {
            // Outside the lock: lookups go on while the old file goes. Unlinked, never truncated: another
            // connection (the lane's store, a technician's command) may still map it until its next poll.
            deleteQuietly(listDir.resolve(fileName(replaced.program(), replaced.version())));
        }
    }

    /** Puts the version in force; returns the one it replaced. */
    private synchronized ListInfo swapInLocked(ListInfo list, Path file, long nowWallMs) throws SQLException {
        ListInfo replaced = inForce(list.program());
        try (PreparedStatement upsert = metaConnection.prepareStatement("INSERT INTO list_in_force(program, version, issued_wall_ms, "
                + "expires_wall_ms, entry_count, card_table, loaded_wall_ms) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(program) DO UPDATE SET "
                + "version = excluded.version, issued_wall_ms = excluded.issued_wall_ms, expires_wall_ms = excluded.expires_wall_ms, "
                + "entry_count = excluded.entry_count, card_table = excluded.card_table, loaded_wall_ms = excluded.loaded_wall_ms "
                + "WHERE excluded.version > list_in_force.version")) {
            upsert.setString(1, list.program());
            upsert.setLong(2, list.version());
            upsert.setLong(3, list.issuedWallMs());
            upsert.setLong(4, list.expiresWallMs());
            upsert.setLong(5, list.entryCount());
            upsert.setString(6, file.getFileName().toString());
            upsert.setLong(7, nowWallMs);
            if (upsert.executeUpdate() != 1) {
                Files.deleteIfExists(file);
                throw new StoreException("a newer version of " + list.program() + " came into force during the import");
            }
        } catch (IOException e) {
            throw new StoreException("cannot remove " + file + ": " + e.getMessage(), e);
        }
        refresh(); // this store's own lookups see the new version at once; others within a poll
        return replaced;
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // Not in force any more; the next start removes it (dropOrphanTables).
            LOG.log(System.Logger.Level.WARNING, "old list file " + file + " kept until next start: " + e.getMessage());
        }
    }

    /**
     * Removes what no list in force uses: list files of replaced versions, part files of interrupted
     * builds, and card tables of the old single-file layout. Returns how many went.
     */
    public synchronized int dropOrphanTables() {
        Set<String> keep = new HashSet<>();
        for (OpenList list : open.values()) {
            keep.add(list.file().getFileName().toString());
        }
        int removed = 0;
        if (Files.isDirectory(listDir)) {
            try (DirectoryStream<Path> files = Files.newDirectoryStream(listDir)) {
                for (Path file : files) {
                    if (!keep.contains(file.getFileName().toString())) {
                        Files.deleteIfExists(file);
                        removed++;
                    }
                }
            } catch (IOException e) {
                throw new StoreException("cannot clean up old list files in " + listDir + ": " + e.getMessage(), e);
            }
        }
        try (Statement statement = metaConnection.createStatement()) {
            List<String> legacy = new ArrayList<>();
            try (ResultSet rows = statement.executeQuery("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'cards\\_%' "
                    + "ESCAPE '\\'")) {
                while (rows.next()) {
                    legacy.add(rows.getString(1));
                }
            }
            for (String table : legacy) {
                statement.execute("DROP TABLE IF EXISTS " + table);
                removed++;
            }
        } catch (SQLException e) {
            throw new StoreException("cannot clean up old list tables: " + e.getMessage(), e);
        }
        return removed;
    }

    private CardEntry lookup(OpenList open, String epcHex) {
        ListInfo list = open.list();
        try {
            PreparedStatement select = open.select();
            select.setString(1, epcHex);
            try (ResultSet row = select.executeQuery()) {
                if (!row.next()) {
                    return null;
                }
                return new CardEntry(epcHex, list.program(), CardStatus.values()[row.getInt(1)], row.getLong(2),
                        ListFileReader.platesFromColumn(row.getString(3)), row.getString(4), row.getInt(5) == 1, list.version());
            }
        } catch (SQLException e) {
            throw new StoreException("card lookup failed in " + list.program() + " v" + list.version() + ": " + e.getMessage(), e);
        }
    }

    /** Re-reads the lists in force when another connection committed since the last look (PRAGMA data_version). */
    private void refreshIfChanged() {
        try (Statement statement = metaConnection.createStatement(); ResultSet version = statement.executeQuery("PRAGMA data_version")) {
            version.next();
            if (version.getLong(1) != dataVersion) {
                refresh();
            }
        } catch (SQLException e) {
            throw new StoreException("cannot check the lists for changes: " + e.getMessage(), e);
        }
    }

    private synchronized void refresh() {
        try (Statement statement = metaConnection.createStatement()) {
            try (ResultSet version = statement.executeQuery("PRAGMA data_version")) {
                version.next();
                dataVersion = version.getLong(1);
            }
            Map<String, OpenList> next = new LinkedHashMap<>();
            try (ResultSet rows = statement.executeQuery("SELECT program, version, issued_wall_ms, expires_wall_ms, entry_count, card_table "
                    + "FROM list_in_force ORDER BY program")) {
                while (rows.next()) {
                    ListInfo list = new ListInfo(rows.getString(1), rows.getLong(2), rows.getLong(3), rows.getLong(4), rows.getLong(5));
                    OpenList current = open.get(list.program());
                    if (current != null && current.list().equals(list)) {
                        next.put(list.program(), current);
                    } else if (rows.getString(6).endsWith(".db")) {
                        next.put(list.program(), openList(list, listDir.resolve(rows.getString(6))));
                    } else {
                        LOG.log(System.Logger.Level.WARNING, list.program() + " v" + list.version()
                                + " is in the old single-file layout: import the list again");
                    }
                }
            }
            for (Map.Entry<String, OpenList> old : open.entrySet()) {
                if (next.get(old.getKey()) != old.getValue()) {
                    closeQuietly(old.getValue());
                }
            }
            open.clear();
            open.putAll(next);
            List<ListInfo> lists = new ArrayList<>();
            next.values().forEach(list -> lists.add(list.list()));
            inForce = List.copyOf(lists);
        } catch (SQLException e) {
            throw new StoreException("cannot read the lists in force: " + e.getMessage(), e);
        }
    }

    private static OpenList openList(ListInfo list, Path file) throws SQLException {
        if (!Files.isRegularFile(file)) {
            throw new StoreException(list.program() + " v" + list.version() + " is in force but its file " + file + " is missing");
        }
        SQLiteConfig config = new SQLiteConfig();
        config.setReadOnly(true);
        Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath(), config.toProperties());
        try (Statement statement = connection.createStatement()) {
            statement.execute("PRAGMA cache_size = " + Database.CACHE_PAGES);
            statement.execute("PRAGMA mmap_size = " + Database.MMAP_BYTES);
        }
        // Lookups share one read transaction until the next poll of the lists in force: starting a
        // transaction per lookup costs more than the lookup itself (docs/performance.md).
        connection.setAutoCommit(false);
        return new OpenList(list, file, connection, connection.prepareStatement(
                "SELECT status, expires_wall_ms, plates, tid, lookout FROM cards WHERE epc = ?"));
    }

    private static void closeQuietly(OpenList list) {
        try {
            list.select().close();
            list.connection().close();
        } catch (SQLException e) {
            LOG.log(System.Logger.Level.WARNING, "closing " + list.file() + ": " + e.getMessage());
        }
    }

    private static void checkProgram(String program) {
        if (!PROGRAM_NAME.matcher(program).matches()) {
            throw new StoreException("program '" + program + "' must be 1-16 upper-case letters, digits or _, starting with a letter");
        }
    }

    @Override
    public synchronized void close() {
        open.values().forEach(ClearanceStore::closeQuietly);
        open.clear();
        try {
            metaConnection.close();
        } catch (SQLException e) {
            throw new StoreException("cannot close the clearance lists: " + e.getMessage(), e);
        }
    }
}
