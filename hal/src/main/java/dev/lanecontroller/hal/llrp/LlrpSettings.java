package dev.lanecontroller.hal.llrp;

import java.util.List;

/**
 * Where the reader is and how to keep it.
 *
 * @param antennas the antennas to inventory (empty: all the reader has)
 * @param keepaliveMs the reader sends a KEEPALIVE this often; the lane's heartbeat
 * @param silenceLimitMs nothing from the reader for this long: it is offline, and reconnected
 * @param air what a site tunes on the reader (transmit power, Gen2 session, reader mode), and whether
 *     the reader's own configuration is reset to factory defaults on every connect
 * @param tidWords read this many 16-bit words of every tag's TID (an AccessSpec), for the list's
 *     anti-clone check; 0 reads none
 */
public record LlrpSettings(String host, int port, List<Integer> antennas, long keepaliveMs, long silenceLimitMs, long connectTimeoutMs,
                           long reconnectMinMs, long reconnectMaxMs, Air air, int tidWords) {
    public static final int DEFAULT_PORT = 5084;

    /**
     * The reader's air interface as a site sets it; null leaves a value to the reader.
     *
     * @param factoryReset reset the reader to factory defaults on connect (the default): false keeps what a
     *     technician set on the reader with its own tools
     * @param transmitPowerIndex an index into the reader's transmit power table (LLRP RFTransmitter; the
     *     reader's capabilities list what each index is in dBm)
     * @param session Gen2 session 0..3 (LLRP C1G2SingulationControl); 2 or 3 read each card once per pass
     * @param tagPopulation the expected number of cards in the field (with the session)
     * @param readerModeIndex the reader's RF mode (LLRP C1G2RFControl ModeIndex, from its capabilities)
     */
    public record Air(boolean factoryReset, Integer transmitPowerIndex, Integer session, Integer tagPopulation, Integer readerModeIndex) {
        public static final Air READER_DEFAULTS = new Air(true, null, null, null, null);

        public Air {
            if (transmitPowerIndex != null && (transmitPowerIndex < 1 || transmitPowerIndex > 65_535)) {
                throw new IllegalArgumentException("LLRP transmit power index must be 1..65535, got " + transmitPowerIndex);
            }
            if (session != null && (session < 0 || session > 3)) {
                throw new IllegalArgumentException("Gen2 session must be 0..3, got " + session);
            }
            if (tagPopulation != null && (tagPopulation < 1 || tagPopulation > 65_535)) {
                throw new IllegalArgumentException("tag population must be 1..65535, got " + tagPopulation);
            }
            if (readerModeIndex != null && (readerModeIndex < 0 || readerModeIndex > 65_535)) {
                throw new IllegalArgumentException("reader mode index must be 0..65535, got " + readerModeIndex);
            }
        }

        boolean tunesTheAir() {
            return transmitPowerIndex != null || session != null || tagPopulation != null || readerModeIndex != null;
        }
    }

    /** The reader's air interface as the reader has it after a factory reset. */
    public LlrpSettings(String host, int port, List<Integer> antennas, long keepaliveMs, long silenceLimitMs, long connectTimeoutMs,
                        long reconnectMinMs, long reconnectMaxMs) {
        this(host, port, antennas, keepaliveMs, silenceLimitMs, connectTimeoutMs, reconnectMinMs, reconnectMaxMs, Air.READER_DEFAULTS, 0);
    }

    public LlrpSettings {
        java.util.Objects.requireNonNull(air, "air");
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
        if (tidWords < 0 || tidWords > LlrpRequests.TID_WORDS_MAX) {
            throw new IllegalArgumentException("LLRP TID words must be 0.." + LlrpRequests.TID_WORDS_MAX + ", got " + tidWords);
        }
        if (antennas.size() > LlrpRequests.ANTENNAS_MAX || antennas.stream().anyMatch(a -> a < 1 || a > 65535)) {
            throw new IllegalArgumentException("LLRP antennas are 1..65535, at most " + LlrpRequests.ANTENNAS_MAX);
        }
    }
}
