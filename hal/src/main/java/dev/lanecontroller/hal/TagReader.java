package dev.lanecontroller.hal;

import java.util.function.Consumer;

/**
 * A UHF RFID reader. Besides reads it reports a heartbeat (a keepalive, or any sign of life), so the
 * lane can tell a silent reader from an empty lane.
 */
public interface TagReader {
    void onRead(Consumer<TagRead> listener);

    void onHeartbeat(Runnable listener);
}
