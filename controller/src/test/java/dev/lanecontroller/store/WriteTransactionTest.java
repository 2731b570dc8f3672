package dev.lanecontroller.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The regression test for what the disk campaign found: after SQLite rolled a transaction back by
 * itself on a full disk, the next write must still be all or nothing. (A page limit makes SQLite
 * report the disk full without needing a full disk.)
 */
class WriteTransactionTest {
    @TempDir
    Path dir;

    @Test
    void afterTheDiskFilledTheNextWriteIsStillAllOrNothing() throws Exception {
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("t.db"));
             Statement statement = connection.createStatement()) {
            statement.execute("PRAGMA journal_mode = WAL");
            statement.execute("CREATE TABLE t(id INTEGER PRIMARY KEY, body BLOB)");
            long pages;
            try (ResultSet count = statement.executeQuery("PRAGMA page_count")) {
                pages = count.getLong(1);
            }
            statement.execute("PRAGMA max_page_count = " + (pages + 4));
            SQLException full = assertThrows(SQLException.class, () -> WriteTransaction.run(connection, () -> {
                insert(connection, 1, 1_000_000);
                return null;
            }));
            assertTrue(full.getMessage().contains("full"), full.getMessage());
            statement.execute("PRAGMA max_page_count = 1000000");
            // A transaction whose second statement fails: its first must not stay behind.
            assertThrows(SQLException.class, () -> WriteTransaction.run(connection, () -> {
                insert(connection, 2, 10);
                insert(connection, 2, 10); // the same key again
                return null;
            }));
            assertEquals(0, rows(statement), "nothing of the failed transactions remains");
            WriteTransaction.run(connection, () -> {
                insert(connection, 3, 10);
                return null;
            });
            assertEquals(1, rows(statement));
        }
    }

    private static void insert(Connection connection, int id, int bytes) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO t(id, body) VALUES (?, ?)")) {
            insert.setInt(1, id);
            insert.setBytes(2, new byte[bytes]);
            insert.executeUpdate();
        }
    }

    private static long rows(Statement statement) throws SQLException {
        try (ResultSet count = statement.executeQuery("SELECT COUNT(*) FROM t")) {
            return count.getLong(1);
        }
    }
}
