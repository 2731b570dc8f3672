package dev.lanecontroller.store;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Which sequence numbers central acknowledged: all up to {@link #through()}, and disjoint,
 * non-adjacent ranges above it (acknowledged out of order, e.g. live events while a backlog
 * drains). A range that comes to touch the cursor is folded into it. At most {@link #RANGES_MAX}
 * ranges are kept; past that the highest are forgotten, and their events are only sent again.
 */
final class AckCursor {
    static final int RANGES_MAX = 10_000;

    private long through;
    /** from → to, inclusive, every from > through + 1. */
    private final TreeMap<Long, Long> ahead = new TreeMap<>();
    private long aheadCount;

    AckCursor(long through) {
        if (through < 0) {
            throw new IllegalArgumentException("acknowledged-through must be ≥ 0, got " + through);
        }
        this.through = through;
    }

    long through() {
        return through;
    }

    /** Records {@code from..to} as acknowledged; true when the ranges above the cursor changed. */
    boolean add(long from, long to) {
        if (from > to) {
            throw new IllegalArgumentException("empty range " + from + ".." + to);
        }
        long start = Math.max(from, through + 1);
        if (start > to) {
            return false;
        }
        long end = to;
        // Absorb every range that overlaps or touches start..end.
        Map.Entry<Long, Long> before = ahead.floorEntry(start);
        if (before != null && before.getValue() >= start - 1) {
            if (before.getValue() >= end) {
                return false; // already known
            }
            start = before.getKey();
            remove(before.getKey());
        }
        Map.Entry<Long, Long> next = ahead.ceilingEntry(start);
        while (next != null && next.getKey() <= end + 1) {
            end = Math.max(end, next.getValue());
            remove(next.getKey());
            next = ahead.ceilingEntry(start);
        }
        if (start == through + 1) {
            through = end;
        } else {
            ahead.put(start, end);
            aheadCount += end - start + 1;
            while (ahead.size() > RANGES_MAX) {
                remove(ahead.lastKey());
            }
        }
        return true;
    }

    /** The first number at or after {@code seq} not acknowledged. */
    long nextUnacked(long seq) {
        long candidate = Math.max(seq, through + 1);
        Map.Entry<Long, Long> covering = ahead.floorEntry(candidate);
        if (covering != null && covering.getValue() >= candidate) {
            return covering.getValue() + 1; // ranges never touch, so the next number is free
        }
        return candidate;
    }

    /** The last number of the unacknowledged run starting at {@code seq} (which must be unacknowledged); Long.MAX_VALUE if open-ended. */
    long unackedRunEnd(long seq) {
        Long nextRange = ahead.higherKey(seq);
        return nextRange == null ? Long.MAX_VALUE : nextRange - 1;
    }

    /** How many numbers up to {@code last} the ranges above the cursor hold. */
    long aheadCountThrough(long last) {
        long count = aheadCount;
        // Only the highest ranges can reach past a last read a moment before.
        for (Map.Entry<Long, Long> range : ahead.descendingMap().entrySet()) {
            if (range.getValue() <= last) {
                break;
            }
            count -= range.getValue() - Math.max(range.getKey(), last + 1) + 1;
        }
        return count;
    }

    private void remove(long from) {
        Long to = ahead.remove(from);
        aheadCount -= to - from + 1;
    }

    List<long[]> ranges() {
        List<long[]> copy = new ArrayList<>(ahead.size());
        ahead.forEach((from, to) -> copy.add(new long[] {from, to}));
        return copy;
    }
}
