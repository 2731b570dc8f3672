package dev.lanecontroller.hal;

import java.util.function.Consumer;

/**
 * A UHF RFID reader. Besides reads it reports a heartbeat (a keepalive, or any sign of life), so the
 * lane can tell a silent reader from an empty lane, and trouble the reader itself reports while it
 * still talks (a lane antenna disconnected), so the lane can tell a blind reader from a quiet lane.
 */
public interface TagReader {
    void onRead(Consumer<TagRead> listener);

    void onHeartbeat(Runnable listener);

    /**
     * {@code started} with what is wrong each time the reader reports trouble (again, or worse),
     * {@code ended} once nothing is wrong any more.
     */
    void onTrouble(Consumer<String> started, Runnable ended);
}
