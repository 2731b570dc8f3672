package dev.lanecontroller.store;

import dev.lanecontroller.core.LaneEvent;

/**
 * One event as journaled: its place in the lane's sequence, its times, its payload (JSON) and the
 * hash chain that lets an auditor prove nothing was removed or altered. {@code event} is the typed
 * event it was written from (null for one read back from the journal): consumers in the process
 * that wrote it match on that instead of parsing the payload.
 */
public record JournalEntry(
        long seq,
        String bootId,
        long monoMs,
        long wallMs,
        boolean clockSynced,
        String type,
        String payloadJson,
        String prevHash,
        String hash,
        LaneEvent event) {
    /** As read back from the journal: the payload only, no typed event. */
    public JournalEntry(long seq, String bootId, long monoMs, long wallMs, boolean clockSynced, String type, String payloadJson,
                        String prevHash, String hash) {
        this(seq, bootId, monoMs, wallMs, clockSynced, type, payloadJson, prevHash, hash, null);
    }
}
