package dev.lanecontroller.store;

/**
 * One event as journaled: its place in the lane's sequence, its times, its payload (JSON) and the
 * hash chain that lets an auditor prove nothing was removed or altered.
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
        String hash) {}
