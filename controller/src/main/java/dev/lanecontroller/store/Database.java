package dev.lanecontroller.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** Opens connections to the lane's one database file, with the pragmas every connection needs. */
public final class Database {
    /** Pages kept in memory per connection (4 MiB of the database's 2 KiB pages, 8 MiB of a card list's 4 KiB): heap and RSS stay flat whatever the list size. */
    static final int CACHE_PAGES = 2_000;
    /**
     * Lists are read through a memory map rather than read() calls: a third faster per lookup on a
     * 3,000,000-card list. A mapping is address space, not heap; SQLite falls back to reads when
     * the map cannot be made.
     */
    static final long MMAP_BYTES = 512L * 1024 * 1024;
    /**
     * The page size of a new database (an existing one keeps its own): a commit of one event
     * writes one WAL frame of a page plus 24 bytes, and a 4 KiB page's frame spans two of the
     * disk's 4 KiB blocks; a 2 KiB page's frame mostly one (issue 19, docs/performance.md).
     * Card lists live in files of their own, with SQLite's default pages.
     */
    static final int PAGE_BYTES = 2_048;
    /** A writer waits this long for another connection's write to finish before failing. */
    static final int BUSY_TIMEOUT_MS = 5_000;

    private final Path file;

    private Database(Path file) {
        this.file = file;
    }

    /** Opens (creating if needed) the database, checks its integrity and creates the schema. */
    public static Database open(Path file) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
        } catch (IOException e) {
            throw new StoreException("cannot create the folder for " + file + ": " + e.getMessage(), e);
        }
        Database database = new Database(file);
        try (Connection connection = database.connect(); Statement statement = connection.createStatement()) {
            try (ResultSet check = statement.executeQuery("PRAGMA quick_check")) {
                String result = check.next() ? check.getString(1) : "no answer";
                if (!"ok".equals(result)) {
                    throw new StoreException("database " + file + " failed its integrity check: " + result);
                }
            }
            Schema.create(statement);
        } catch (SQLException e) {
            throw new StoreException("cannot open database " + file + ": " + e.getMessage(), e);
        }
        return database;
    }

    public Path file() {
        return file;
    }

    /** A new connection in WAL mode with FULL sync: every commit is on the disk when it returns. */
    public Connection connect() throws SQLException {
        Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
        try (Statement statement = connection.createStatement()) {
            statement.execute("PRAGMA busy_timeout = " + BUSY_TIMEOUT_MS);
            statement.execute("PRAGMA page_size = " + PAGE_BYTES); // before WAL mode: only a file not made yet takes it
            statement.execute("PRAGMA journal_mode = WAL");
            statement.execute("PRAGMA synchronous = FULL");
            // No connection checkpoints on commit (tens of milliseconds, and the SD card's pages written
            // again and again): the journal's checkpointer does, off the lane thread (Checkpointer).
            statement.execute("PRAGMA wal_autocheckpoint = 0");
            statement.execute("PRAGMA cache_size = " + CACHE_PAGES);
            statement.execute("PRAGMA mmap_size = " + MMAP_BYTES);
        }
        return connection;
    }
}
