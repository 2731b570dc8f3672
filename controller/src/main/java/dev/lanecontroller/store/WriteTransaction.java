package dev.lanecontroller.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * One write transaction on a connection in autocommit mode, begun and ended by explicit
 * statements. The JDBC driver's own transaction handling (autocommit off) goes wrong when SQLite
 * rolls a transaction back by itself, as it may on SQLITE_FULL or an I/O error: the driver's
 * ROLLBACK then fails, it never begins the next transaction, and the statements of the next
 * "transaction" each commit alone, so half of an append could land (the disk campaign found
 * this). Here every write begins with BEGIN IMMEDIATE, and a ROLLBACK that finds no transaction
 * is the harmless case.
 */
final class WriteTransaction {
    private WriteTransaction() {}

    @FunctionalInterface
    interface Work<T> {
        T run() throws SQLException;
    }

    static <T> T run(Connection connection, Work<T> work) throws SQLException {
        try (Statement control = connection.createStatement()) {
            control.execute("BEGIN IMMEDIATE");
            try {
                T result = work.run();
                control.execute("COMMIT");
                return result;
            } catch (SQLException | RuntimeException e) {
                rollback(control, e);
                throw e;
            }
        }
    }

    private static void rollback(Statement control, Exception cause) {
        try {
            control.execute("ROLLBACK");
        } catch (SQLException rollbackFailure) {
            if (!String.valueOf(rollbackFailure.getMessage()).contains("no transaction is active")) {
                cause.addSuppressed(rollbackFailure); // SQLite already rolled it back otherwise
            }
        }
    }
}
