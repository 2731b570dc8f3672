package dev.lanecontroller.hal.llrp;

import java.util.List;

/**
 * Where the reader is and how to keep it.
 *
 * @param antennas the antennas to inventory (empty: all the reader has)
 * @param keepaliveMs the reader sends a KEEPALIVE this often; the lane's heartbeat
 * @param silenceLimitMs nothing from the reader for this long: it is offline, and reconnected
 */
public record LlrpSettings(String host, int port, List<Integer> antennas, long keepaliveMs, long silenceLimitMs, long connectTimeoutMs,
                           long reconnectMinMs, long reconnectMaxMs) {
    public static final int DEFAULT_PORT = 5084;

    public LlrpSettings {
        antennas = List.copyOf(antennas);
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("the LLRP reader needs a host");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("LLRP port must be 1..65535, got " + port);
        }
        if (keepaliveMs < 100 || silenceLimitMs < 2 * keepaliveMs) {
            throw new IllegalArgumentException("LLRP keepalive must be >= 100 ms and the silence limit at least two keepalives, got "
                    + keepaliveMs + " and " + silenceLimitMs + " ms");
        }
        if (connectTimeoutMs < 100 || reconnectMinMs < 1 || reconnectMaxMs < reconnectMinMs) {
            throw new IllegalArgumentException("LLRP connect timeout >= 100 ms and 1 <= reconnect min <= max");
        }
        if (antennas.size() > LlrpRequests.ANTENNAS_MAX || antennas.stream().anyMatch(a -> a < 1 || a > 65535)) {
            throw new IllegalArgumentException("LLRP antennas are 1..65535, at most " + LlrpRequests.ANTENNAS_MAX);
        }
    }
}
