package dev.lanecontroller.store;

import dev.lanecontroller.core.CardEntry;
import dev.lanecontroller.core.CardStatus;
import dev.lanecontroller.core.ListInfo;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The clearance lists in SQLite (DESIGN §6). Each version of a program's list is its own table; an
 * import fills a new table and swaps it in with one committed update of {@code list_in_force}, so a
 * lane decides on the old version until the new one is complete, and a bad record leaves nothing
 * half-applied.
 */
public final class ClearanceStore implements ClearanceLookup, AutoCloseable {
    public static final Pattern PROGRAM_NAME = Pattern.compile("[A-Z][A-Z0-9_]{0,15}");
    /** Extra page cache (KiB, negative per SQLite) for the import connection, where the index sort happens. */
    static final int IMPORT_CACHE_KIB = 65_536;

    private final Database database;
    private final Connection lookupConnection;
    private final Map<String, PreparedStatement> lookupByProgram = new HashMap<>();
    private List<ListInfo> inForce = List.of();
    private long dataVersion = -1;

    public ClearanceStore(Database database) {
        this.database = database;
        try {
            lookupConnection = database.connect();
            // Lookups share one read transaction until the next poll of the lists in force: starting a
            // transaction per lookup costs more than the lookup itself (docs/performance.md).
            lookupConnection.setAutoCommit(false);
        } catch (SQLException e) {
            throw new StoreException("cannot open the clearance lists: " + e.getMessage(), e);
        }
        refresh();
    }

    /**
     * Looks the card up in every list in force, as of the last poll of {@link #listsInForce} (the lane
     * thread polls each second). A lookup that races an import's drop of the old table re-reads the
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
        for (ListInfo list : inForce) {
            CardEntry entry = lookup(list, epcHex);
            if (entry != null) {
                entries.add(entry);
            }
        }
        return entries;
    }

    @Override
    public synchronized List<ListInfo> listsInForce() {
        endReadTransaction();
        refreshIfChanged();
        return inForce;
    }

    /** Lets go of the lookups' snapshot, so the next lookup sees what other connections committed since. */
    private void endReadTransaction() {
        try {
            lookupConnection.commit();
        } catch (SQLException e) {
            throw new StoreException("cannot end the lookups' read transaction: " + e.getMessage(), e);
        }
    }

    /**
     * Imports a list file as the given version of a program's list. The version must be newer than
     * the one in force (no rollback); the whole file is checked before anything changes.
     */
    public ListInfo importFile(Path file, String program, long version, long issuedWallMs, long expiresWallMs, long nowWallMs) {
        ListFileReader.Format format = ListFileReader.formatOf(file.getFileName().toString());
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return importList(program, version, issuedWallMs, expiresWallMs, nowWallMs, sink -> ListFileReader.read(in, format, sink));
        } catch (IOException e) {
            throw new StoreException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** Where an import's records come from: a file, or a scenario's entries. */
    @FunctionalInterface
    public interface RecordSource {
        long feed(java.util.function.Consumer<CardRecord> sink) throws IOException;
    }

    public ListInfo importList(String program, long version, long issuedWallMs, long expiresWallMs, long nowWallMs,
                               RecordSource source) throws IOException {
        checkProgram(program);
        ListInfo current = inForce(program);
        if (current != null && version <= current.version()) {
            throw new StoreException("version " + version + " of " + program + " is not newer than version " + current.version()
                    + " in force: a list is never rolled back");
        }
        if (expiresWallMs <= issuedWallMs) {
            throw new StoreException("the list expires before it is issued");
        }
        String table = "cards_" + program + "_v" + version;
        try (Connection connection = database.connect(); Statement statement = connection.createStatement()) {
            statement.execute("PRAGMA cache_size = -" + IMPORT_CACHE_KIB);
            statement.execute("DROP TABLE IF EXISTS " + table);
            statement.execute("CREATE TABLE " + table + " (epc TEXT NOT NULL, status INTEGER NOT NULL, expires_wall_ms INTEGER NOT NULL,"
                    + " plates TEXT NOT NULL, tid TEXT, lookout INTEGER NOT NULL)");
            // One transaction for load, index and swap: one fsync, and a crash leaves the old version in force.
            connection.setAutoCommit(false);
            long count;
            try {
                count = load(connection, table, source);
                createIndex(connection, statement, table);
                swapIn(connection, program, version, issuedWallMs, expiresWallMs, count, table, nowWallMs);
            } catch (RuntimeException | IOException | SQLException e) {
                connection.rollback();
                connection.setAutoCommit(true);
                statement.execute("DROP TABLE IF EXISTS " + table);
                throw e;
            }
            connection.setAutoCommit(true);
            if (current != null) {
                dropQuietly(statement, "cards_" + current.program() + "_v" + current.version());
            }
            refresh(); // this store's own lookups see the new version at once; others within a poll
            return new ListInfo(program, version, issuedWallMs, expiresWallMs, count);
        } catch (SQLException e) {
            throw new StoreException("importing " + program + " v" + version + " failed: " + e.getMessage(), e);
        }
    }

    /**
     * Loads the records into the new table. Reading and checking the file runs on a thread of its
     * own while this one inserts (on two cores the import takes the longer of the two, not the sum);
     * a bounded queue of batches keeps the memory used independent of the list size.
     */
    private static long load(Connection connection, String table, RecordSource source) throws IOException, SQLException {
        BatchPipe pipe = new BatchPipe(source);
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO " + table
                + " (epc, status, expires_wall_ms, plates, tid, lookout) VALUES (?, ?, ?, ?, ?, ?)")) {
            List<CardRecord> batch;
            while ((batch = pipe.next()) != null) {
                for (CardRecord record : batch) {
                    insert.setString(1, record.epcHex());
                    insert.setInt(2, record.status().ordinal());
                    insert.setLong(3, record.expiresWallMs());
                    insert.setString(4, String.join("|", record.plates()));
                    insert.setString(5, record.tidHex());
                    insert.setInt(6, record.lookout() ? 1 : 0);
                    insert.addBatch();
                }
                insert.executeBatch();
            }
            return pipe.recordCount();
        } finally {
            pipe.close();
        }
    }

    /** The unique index is built after the load (a sort, much faster than keeping it up row by row). */
    private static void createIndex(Connection connection, Statement statement, String table) throws SQLException {
        try {
            statement.execute("CREATE UNIQUE INDEX " + table + "_epc ON " + table + " (epc)");
        } catch (SQLException e) {
            try (ResultSet duplicate = statement.executeQuery("SELECT epc, MIN(rowid), MAX(rowid) FROM " + table
                    + " GROUP BY epc HAVING COUNT(*) > 1 LIMIT 1")) {
                if (duplicate.next()) {
                    throw new StoreException("card " + duplicate.getString(1) + " is listed twice (records " + duplicate.getLong(2)
                            + " and " + duplicate.getLong(3) + ", counting from 1): nothing was imported");
                }
            }
            throw e;
        }
    }

    private static void swapIn(Connection connection, String program, long version, long issuedWallMs, long expiresWallMs,
                               long count, String table, long nowWallMs) throws SQLException {
        try (PreparedStatement upsert = connection.prepareStatement("INSERT INTO list_in_force(program, version, issued_wall_ms, "
                + "expires_wall_ms, entry_count, card_table, loaded_wall_ms) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(program) DO UPDATE SET "
                + "version = excluded.version, issued_wall_ms = excluded.issued_wall_ms, expires_wall_ms = excluded.expires_wall_ms, "
                + "entry_count = excluded.entry_count, card_table = excluded.card_table, loaded_wall_ms = excluded.loaded_wall_ms "
                + "WHERE excluded.version > list_in_force.version")) {
            upsert.setString(1, program);
            upsert.setLong(2, version);
            upsert.setLong(3, issuedWallMs);
            upsert.setLong(4, expiresWallMs);
            upsert.setLong(5, count);
            upsert.setString(6, table);
            upsert.setLong(7, nowWallMs);
            if (upsert.executeUpdate() != 1) {
                throw new StoreException("a newer version of " + program + " came into force during the import");
            }
        }
        connection.commit();
    }

    private static void dropQuietly(Statement statement, String table) {
        try {
            statement.execute("DROP TABLE IF EXISTS " + table);
        } catch (SQLException e) {
            // The old table is not in force; a reader still using it keeps it for now, and the next
            // start removes it (dropOrphanTables). Nothing is lost, so the import still succeeds.
            System.getLogger(ClearanceStore.class.getName()).log(System.Logger.Level.WARNING,
                    "old list table " + table + " kept until next start: " + e.getMessage());
        }
    }

    /** Card tables not in force are left over from an interrupted import or a busy drop. */
    public int dropOrphanTables() {
        try (Connection connection = database.connect(); Statement statement = connection.createStatement()) {
            List<String> orphans = new ArrayList<>();
            try (ResultSet rows = statement.executeQuery("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'cards\\_%' "
                    + "ESCAPE '\\' AND name NOT IN (SELECT card_table FROM list_in_force)")) {
                while (rows.next()) {
                    orphans.add(rows.getString(1));
                }
            }
            for (String orphan : orphans) {
                statement.execute("DROP TABLE IF EXISTS " + orphan);
            }
            return orphans.size();
        } catch (SQLException e) {
            throw new StoreException("cannot clean up old list tables: " + e.getMessage(), e);
        }
    }

    private ListInfo inForce(String program) {
        for (ListInfo list : listsInForce()) {
            if (list.program().equals(program)) {
                return list;
            }
        }
        return null;
    }

    private CardEntry lookup(ListInfo list, String epcHex) {
        try {
            PreparedStatement select = lookupByProgram.get(list.program());
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
        try (Statement statement = lookupConnection.createStatement(); ResultSet version = statement.executeQuery("PRAGMA data_version")) {
            version.next();
            if (version.getLong(1) != dataVersion) {
                refresh();
            }
        } catch (SQLException e) {
            throw new StoreException("cannot check the lists for changes: " + e.getMessage(), e);
        }
    }

    private synchronized void refresh() {
        endReadTransaction();
        try (Statement statement = lookupConnection.createStatement()) {
            try (ResultSet version = statement.executeQuery("PRAGMA data_version")) {
                version.next();
                dataVersion = version.getLong(1);
            }
            List<ListInfo> lists = new ArrayList<>();
            Map<String, String> tables = new HashMap<>();
            try (ResultSet rows = statement.executeQuery("SELECT program, version, issued_wall_ms, expires_wall_ms, entry_count, card_table "
                    + "FROM list_in_force ORDER BY program")) {
                while (rows.next()) {
                    lists.add(new ListInfo(rows.getString(1), rows.getLong(2), rows.getLong(3), rows.getLong(4), rows.getLong(5)));
                    tables.put(rows.getString(1), rows.getString(6));
                }
            }
            for (PreparedStatement old : lookupByProgram.values()) {
                old.close();
            }
            lookupByProgram.clear();
            for (ListInfo list : lists) {
                lookupByProgram.put(list.program(), lookupConnection.prepareStatement(
                        "SELECT status, expires_wall_ms, plates, tid, lookout FROM " + tables.get(list.program()) + " WHERE epc = ?"));
            }
            inForce = List.copyOf(lists);
        } catch (SQLException e) {
            throw new StoreException("cannot read the lists in force: " + e.getMessage(), e);
        }
    }

    private static void checkProgram(String program) {
        if (!PROGRAM_NAME.matcher(program).matches()) {
            throw new StoreException("program '" + program + "' must be 1-16 upper-case letters, digits or _, starting with a letter");
        }
    }

    @Override
    public synchronized void close() {
        try {
            for (PreparedStatement statement : lookupByProgram.values()) {
                statement.close();
            }
            lookupConnection.close();
        } catch (SQLException e) {
            throw new StoreException("cannot close the clearance lists: " + e.getMessage(), e);
        }
    }
}
