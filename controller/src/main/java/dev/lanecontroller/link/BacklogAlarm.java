package dev.lanecontroller.link;

import java.util.Arrays;

/**
 * Alarm levels over one measure of central's backlog (events waiting, or the age of the oldest).
 * The level rises at each threshold the measure reaches and is announced once per rise; it falls
 * back to zero, announced as cleared, only when the measure drops below half of the lowest
 * threshold, so a backlog hovering at a threshold does not flap.
 */
final class BacklogAlarm {
    /** A change worth an event: {@code level} 0 means cleared. */
    record Change(String measure, long value, long threshold, int level) {}

    private final String measure;
    private final long[] thresholds;
    private int level;

    /** {@code thresholds} ascending and positive; empty means this measure never alarms. */
    BacklogAlarm(String measure, long[] thresholds) {
        for (int i = 0; i < thresholds.length; i++) {
            if (thresholds[i] <= 0 || (i > 0 && thresholds[i] <= thresholds[i - 1])) {
                throw new IllegalArgumentException(measure + " thresholds must be positive and ascending: " + Arrays.toString(thresholds));
            }
        }
        this.measure = measure;
        this.thresholds = thresholds.clone();
    }

    int level() {
        return level;
    }

    /** The change this value brings, or null. */
    Change update(long value) {
        int reached = 0;
        while (reached < thresholds.length && value >= thresholds[reached]) {
            reached++;
        }
        if (reached > level) {
            level = reached;
            return new Change(measure, value, thresholds[reached - 1], level);
        }
        if (level > 0 && value < thresholds[0] / 2) {
            level = 0;
            return new Change(measure, value, thresholds[0], 0);
        }
        return null;
    }
}
