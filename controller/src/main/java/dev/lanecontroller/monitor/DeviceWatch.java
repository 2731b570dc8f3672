package dev.lanecontroller.monitor;

import dev.lanecontroller.hal.LaneHardware;
import dev.lanecontroller.hal.PlateReport;
import dev.lanecontroller.hal.TagRead;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * What the lane's devices last said, for the monitor: the reader's last read (card shortened,
 * antenna, RSSI), the camera's last plate and confidence, the last GPIO read-back fault. Listens
 * beside the lane on the devices' own threads; each callback is a field write.
 */
public final class DeviceWatch {
    private final LongSupplier wallMs;
    private volatile Seen<TagRead> lastRead;
    private volatile Seen<PlateReport> lastPlate;
    private volatile Seen<String> lastFault;
    private volatile boolean readerHeard;

    private record Seen<T>(T what, long wallMs) {}

    public DeviceWatch(LaneHardware hardware, LongSupplier wallMs) {
        this.wallMs = wallMs;
        hardware.tagReader().onRead(read -> {
            lastRead = new Seen<>(read, wallMs.getAsLong());
            readerHeard = true;
        });
        hardware.tagReader().onHeartbeat(() -> readerHeard = true);
        hardware.plateReader().onReport(report -> lastPlate = new Seen<>(report, wallMs.getAsLong()));
        hardware.faults().onFault(fault -> lastFault = new Seen<>(fault.component() + ": " + fault.detail(), wallMs.getAsLong()));
    }

    /** Whether the reader said anything (a heartbeat, a read) since the lane started: until then it is unknown, not fine. */
    public boolean readerHeard() {
        return readerHeard;
    }

    /** The last read, or null before the first: the page shows "not yet", not "fine". */
    public Map<String, Object> lastRead() {
        Seen<TagRead> seen = lastRead;
        if (seen == null) {
            return null;
        }
        Map<String, Object> read = new LinkedHashMap<>();
        read.put("card", shortCard(seen.what().epcHex()));
        read.put("antenna", seen.what().antenna());
        read.put("rssiDbm", seen.what().rssiDbm() == 0 ? null : seen.what().rssiDbm());
        read.put("secondsAgo", secondsAgo(seen.wallMs()));
        return read;
    }

    public Map<String, Object> lastPlate() {
        Seen<PlateReport> seen = lastPlate;
        if (seen == null) {
            return null;
        }
        Map<String, Object> plate = new LinkedHashMap<>();
        plate.put("plate", seen.what().text());
        plate.put("confidencePct", seen.what().confidencePct());
        plate.put("secondsAgo", secondsAgo(seen.wallMs()));
        return plate;
    }

    public Map<String, Object> lastFault() {
        Seen<String> seen = lastFault;
        return seen == null ? null : Map.of("detail", seen.what(), "secondsAgo", secondsAgo(seen.wallMs()));
    }

    private long secondsAgo(long atWallMs) {
        return Math.max(0, (wallMs.getAsLong() - atWallMs) / 1000);
    }

    /** A card number as the logs show it: first and last four digits (DESIGN §8). */
    static String shortCard(String epcHex) {
        if (epcHex == null) {
            return null;
        }
        return epcHex.length() <= 8 ? "…" : epcHex.substring(0, 4) + "…" + epcHex.substring(epcHex.length() - 4);
    }
}
