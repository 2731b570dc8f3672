package dev.lanecontroller.hal.serial;

/**
 * A serial reader: its device, line settings and framing.
 *
 * @param device e.g. /dev/ttyUSB0, /dev/serial0, or a /dev/serial/by-id/ path (stable across replugging)
 * @param antenna the antenna number reads are reported with (a serial reader has one)
 * @param rssiDbm the signal strength reads are reported with (serial readers do not say; 0 passes any threshold)
 */
public record SerialSettings(String device, int baudRate, FrameFormat format, int antenna, int rssiDbm, long reconnectMinMs,
                             long reconnectMaxMs) {
    public SerialSettings {
        if (device == null || !device.startsWith("/dev/")) {
            throw new IllegalArgumentException("a serial device is a /dev/ path, got " + device);
        }
        if (baudRate < 300 || baudRate > 4_000_000) {
            throw new IllegalArgumentException("baud rate 300..4000000, got " + baudRate);
        }
        if (reconnectMinMs < 1 || reconnectMaxMs < reconnectMinMs) {
            throw new IllegalArgumentException("1 <= reconnect min <= max");
        }
    }
}
