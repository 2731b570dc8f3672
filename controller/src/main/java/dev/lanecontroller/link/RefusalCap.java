package dev.lanecontroller.link;

/**
 * Counts refusals in full and lets at most {@code perMinute} of them a minute into the journal, so
 * a flood of bad messages cannot fill the disk; each journaled refusal carries the running total.
 * A wall clock stepped back starts a new minute rather than silencing the journal until it catches up.
 */
final class RefusalCap {
    private final int perMinute;
    private long total;
    private long thisMinute;
    private long minuteStartMs = Long.MIN_VALUE;

    RefusalCap(int perMinute) {
        this.perMinute = perMinute;
    }

    /** Counts one refusal; true when it may be journaled. */
    synchronized boolean admit(long nowMs) {
        total++;
        if (minuteStartMs == Long.MIN_VALUE || nowMs - minuteStartMs >= 60_000 || nowMs < minuteStartMs) {
            minuteStartMs = nowMs;
            thisMinute = 0;
        }
        return ++thisMinute <= perMinute;
    }

    synchronized long total() {
        return total;
    }
}
