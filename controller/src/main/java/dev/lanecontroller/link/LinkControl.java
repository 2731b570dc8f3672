package dev.lanecontroller.link;

/** What inbound handlers may ask of the link; each returns false when the link is down. */
public interface LinkControl {
    boolean subscribe(String filter);

    boolean unsubscribe(String filter);

    boolean publish(String topic, byte[] payload);

    /** Something the status shows changed: publish it now. */
    void statusChanged();
}
