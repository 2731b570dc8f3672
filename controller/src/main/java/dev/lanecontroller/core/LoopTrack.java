package dev.lanecontroller.core;

/**
 * What the core knows of one loop: its state, since when, and the times of its last changes (a
 * ring of at most {@code loopChatterChanges}) to tell chattering from traffic.
 */
public record LoopTrack(boolean occupied, long sinceMs, long[] recentChangesMs) {

    static LoopTrack clear(long nowMs) {
        return new LoopTrack(false, nowMs, new long[0]);
    }

    LoopTrack changedTo(boolean nowOccupied, long nowMs, int ringSize) {
        int keep = Math.min(recentChangesMs.length, ringSize - 1);
        long[] ring = new long[keep + 1];
        System.arraycopy(recentChangesMs, recentChangesMs.length - keep, ring, 0, keep);
        ring[keep] = nowMs;
        return new LoopTrack(nowOccupied, nowMs, ring);
    }

    /** True when the ring is full and its oldest change is within the window. */
    boolean isChattering(int ringSize, long windowMs, long nowMs) {
        return recentChangesMs.length >= ringSize && nowMs - recentChangesMs[0] <= windowMs;
    }

    LoopTrack forgetChanges() {
        return new LoopTrack(occupied, sinceMs, new long[0]);
    }
}
