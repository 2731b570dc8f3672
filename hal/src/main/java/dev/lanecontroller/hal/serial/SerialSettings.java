package dev.lanecontroller.hal.serial;

/**
 * A serial reader: its device, line settings and framing.
 *
 * @param device e.g. /dev/ttyUSB0, /dev/serial0, or a /dev/serial/by-id/ path (stable across replugging); or
 *     tcp://host:port for a serial-to-Ethernet server's raw TCP port
 * @param antenna the antenna number reads are reported with (a serial reader has one)
 * @param rssiDbm the signal strength reads are reported with (serial readers do not say; 0 passes any threshold)
 * @param line data bits, parity and stop bits (8N1 for most readers; some older ones 7E1)
 */
public record SerialSettings(String device, int baudRate, FrameFormat format, int antenna, int rssiDbm, long reconnectMinMs,
                             long reconnectMaxMs, Line line) {
    public enum Parity { NONE, EVEN, ODD }

    private static final java.util.regex.Pattern TCP = java.util.regex.Pattern.compile("tcp://([A-Za-z0-9.\\-]{1,253}):([0-9]{1,5})");

    /** The reader is a serial-to-Ethernet server's TCP port, not a local device. */
    public boolean isTcp() {
        return device.startsWith("tcp://");
    }

    String tcpHost() {
        java.util.regex.Matcher m = TCP.matcher(device);
        return m.matches() ? m.group(1) : "";
    }

    int tcpPort() {
        java.util.regex.Matcher m = TCP.matcher(device);
        return m.matches() ? Integer.parseInt(m.group(2)) : 0;
    }

    /** The character frame on the wire. */
    public record Line(int dataBits, Parity parity, int stopBits) {
        public static final Line EIGHT_N_ONE = new Line(8, Parity.NONE, 1);

        public Line {
            if (dataBits < 5 || dataBits > 8) {
                throw new IllegalArgumentException("serial data bits 5..8, got " + dataBits);
            }
            if (stopBits != 1 && stopBits != 2) {
                throw new IllegalArgumentException("serial stop bits 1 or 2, got " + stopBits);
            }
            java.util.Objects.requireNonNull(parity, "parity");
        }
    }

    /** 8N1, the usual. */
    public SerialSettings(String device, int baudRate, FrameFormat format, int antenna, int rssiDbm, long reconnectMinMs, long reconnectMaxMs) {
        this(device, baudRate, format, antenna, rssiDbm, reconnectMinMs, reconnectMaxMs, Line.EIGHT_N_ONE);
    }

    public SerialSettings {
        java.util.Objects.requireNonNull(line, "line");
        if (device == null || !(device.startsWith("/dev/") || TCP.matcher(device).matches())) {
            throw new IllegalArgumentException("a serial device is a /dev/ path or tcp://host:port, got " + device);
        }
        if (device.startsWith("tcp://")) {
            int port = Integer.parseInt(device.substring(device.lastIndexOf(':') + 1));
            if (port < 1 || port > 65_535) {
                throw new IllegalArgumentException("a TCP port is 1..65535, got " + port);
            }
        }
        if (baudRate < 300 || baudRate > 4_000_000) {
            throw new IllegalArgumentException("baud rate 300..4000000, got " + baudRate);
        }
        if (reconnectMinMs < 1 || reconnectMaxMs < reconnectMinMs) {
            throw new IllegalArgumentException("1 <= reconnect min <= max");
        }
    }
}
