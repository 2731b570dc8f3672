package dev.lanecontroller.store;

import java.util.List;

/**
 * The journal seen from the central link: events leave in sequence order and are marked sent when
 * central's broker acknowledges them (PUBACK), never when they are handed to the client. Safe to
 * use from a thread other than the lane's.
 */
public interface Outbox {
    /**
     * Names this journal for ever: made once with the database, so a consumer can tell a lane whose
     * storage was replaced (its sequence starts again at 1) from a lane that lost events.
     */
    String journalId();

    long lastSeq();

    /** The oldest sequence number still held (older ones were purged after central had them); 0 when empty. */
    long firstSeq();

    /** Events not yet acknowledged by central, with {@code seq > afterSeq}, oldest first. */
    List<JournalEntry> unsent(long afterSeq, int limit);

    /** Events with {@code seq > afterSeq} whether sent or not (replays for central), oldest first. */
    List<JournalEntry> read(long afterSeq, int limit);

    long unsentCount();

    /** The oldest unacknowledged sequence number, 0 when everything was acknowledged. */
    long oldestUnsentSeq();

    /** Central acknowledged these. */
    void markSent(List<Long> seqs);
}
