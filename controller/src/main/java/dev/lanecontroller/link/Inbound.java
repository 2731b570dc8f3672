package dev.lanecontroller.link;

import java.util.List;

/** Handles what central sends the lane (commands, lists); runs on the link's inbound thread, one message at a time. */
public interface Inbound {
    /** The topic filters to subscribe to on every connect. */
    List<String> subscriptions();

    void handle(String topic, byte[] payload, boolean retained);

    /** Called on every heartbeat while connected: time for housekeeping. */
    default void onHeartbeat() {}
}
