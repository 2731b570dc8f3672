package dev.lanecontroller.link;

import java.util.List;

/** Handles what central sends the lane (commands, lists); runs on the link's inbound thread, one message at a time. */
public interface Inbound {
    /**
     * The topic filters to subscribe to on every connect: called on the link's thread, maybe while
     * {@link #handle} runs on the inbound thread, and must not wait for it (the events going out would).
     */
    List<String> subscriptions();

    void handle(String topic, byte[] payload, boolean retained);

    /** Called on every heartbeat while connected: time for housekeeping. */
    default void onHeartbeat() {}

    /** Subscribes to nothing: a link that only sends (benchmarks, tests of the event sync). */
    Inbound NONE = new Inbound() {
        @Override
        public List<String> subscriptions() {
            return List.of();
        }

        @Override
        public void handle(String topic, byte[] payload, boolean retained) {
            // Nothing is subscribed, so nothing comes.
        }
    };
}
