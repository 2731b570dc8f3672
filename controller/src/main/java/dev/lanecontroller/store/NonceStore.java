package dev.lanecontroller.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * Command ids already used, so a recorded command played back to the lane is refused (DESIGN §7).
 * Durable before the command acts: a restart does not reopen the window for a replay. Ids older
 * than the commands' allowed age are purged, since an old command is refused for its age anyway.
 */
public final class NonceStore implements AutoCloseable {
    private final Connection connection;

    public NonceStore(Database database) {
        try {
            connection = database.connect();
        } catch (SQLException e) {
            throw new StoreException("cannot open the command id store: " + e.getMessage(), e);
        }
    }

    /** True the first time an id is seen; false ever after (until purged). */
    public synchronized boolean claim(String nonce, long issuedWallMs) {
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT OR IGNORE INTO command_nonce(nonce, issued_wall_ms) VALUES (?, ?)")) {
            insert.setString(1, nonce);
            insert.setLong(2, issuedWallMs);
            return insert.executeUpdate() == 1;
        } catch (SQLException e) {
            throw new StoreException("cannot record command id: " + e.getMessage(), e);
        }
    }

    public synchronized int purgeIssuedBefore(long wallMs) {
        try (PreparedStatement delete = connection.prepareStatement("DELETE FROM command_nonce WHERE issued_wall_ms < ?")) {
            delete.setLong(1, wallMs);
            return delete.executeUpdate();
        } catch (SQLException e) {
            throw new StoreException("cannot purge command ids: " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized void close() {
        try {
            connection.close();
        } catch (SQLException e) {
            throw new StoreException("cannot close the command id store: " + e.getMessage(), e);
        }
    }
}
