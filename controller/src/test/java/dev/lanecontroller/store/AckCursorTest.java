package dev.lanecontroller.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.BitSet;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The record of what central acknowledged: a cursor and ranges above it, agreeing with a plain set of numbers. */
class AckCursorTest {
    @Test
    void liveEventsAcknowledgedBeforeTheBacklogFoldIntoTheCursorOnceTheBacklogIsThrough() {
        AckCursor acks = new AckCursor(10);
        assertTrue(acks.add(21, 25), "live events, ahead of the backlog 11..20");
        assertEquals(10, acks.through());
        assertEquals(11, acks.nextUnacked(1));
        assertEquals(20, acks.unackedRunEnd(11));
        assertEquals(26, acks.nextUnacked(21));
        assertEquals(Long.MAX_VALUE, acks.unackedRunEnd(26));
        assertEquals(5, acks.aheadCountThrough(Long.MAX_VALUE));
        assertEquals(2, acks.aheadCountThrough(22), "what reaches past the last journaled number is not counted");

        acks.add(11, 20);
        assertEquals(25, acks.through(), "the backlog joined the live range");
        assertEquals(0, acks.aheadCountThrough(Long.MAX_VALUE));
        assertEquals(0, acks.ranges().size());
        assertFalse(acks.add(3, 25), "a replay acknowledged again changes nothing");
    }

    @Test
    void agreesWithASetOfNumbersUnderAnyOrderOfAcknowledgements() {
        for (long seed = 1; seed <= 200; seed++) {
            Random random = new Random(seed);
            BitSet acked = new BitSet();
            AckCursor acks = new AckCursor(0);
            for (int round = 0; round < 60; round++) {
                int from = 1 + random.nextInt(300);
                int to = from + random.nextInt(random.nextBoolean() ? 3 : 40);
                acks.add(from, to);
                acked.set(from, to + 1);
                String where = "seed " + seed + ", round " + round;
                assertEquals(acked.nextClearBit(1) - 1, acks.through(), where);
                assertEquals(acked.cardinality() - acks.through(), acks.aheadCountThrough(Long.MAX_VALUE), where);
                for (int probe = 1; probe < 360; probe += 1 + random.nextInt(7)) {
                    assertEquals(acked.nextClearBit(probe), acks.nextUnacked(probe), where + ", next unacknowledged from " + probe);
                }
                long[] previous = null;
                for (long[] range : acks.ranges()) {
                    assertTrue(range[0] > acks.through() + 1 && range[0] <= range[1], where);
                    assertTrue(previous == null || range[0] > previous[1] + 1, where + ": ranges neither overlap nor touch");
                    previous = range;
                }
            }
        }
    }

    @Test
    void keepsAtMostItsLimitOfRangesForgettingTheHighest() {
        AckCursor acks = new AckCursor(0);
        for (long seq = 2; seq < 2L * (AckCursor.RANGES_MAX + 50); seq += 2) {
            acks.add(seq, seq);
        }
        assertEquals(AckCursor.RANGES_MAX, acks.ranges().size());
        assertEquals(2, acks.ranges().get(0)[0], "the lowest are kept: forgetting the highest only sends those again");
        assertEquals(AckCursor.RANGES_MAX, acks.aheadCountThrough(Long.MAX_VALUE));
        assertThrows(IllegalArgumentException.class, () -> acks.add(5, 4));
        assertThrows(IllegalArgumentException.class, () -> new AckCursor(-1));
    }
}
