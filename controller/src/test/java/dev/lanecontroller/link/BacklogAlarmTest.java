package dev.lanecontroller.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** One alert per threshold reached, none while hovering, cleared only well below the lowest. */
class BacklogAlarmTest {
    @Test
    void risesOncePerThresholdAndClearsBelowHalfTheLowest() {
        BacklogAlarm alarm = new BacklogAlarm("events", new long[] {100, 1_000});
        assertNull(alarm.update(99));
        assertEquals(new BacklogAlarm.Change("events", 100, 100, 1), alarm.update(100));
        assertNull(alarm.update(101));
        assertNull(alarm.update(60), "hovering near the threshold does not flap");
        assertNull(alarm.update(150));
        assertEquals(new BacklogAlarm.Change("events", 5_000, 1_000, 2), alarm.update(5_000), "straight past both: the highest");
        assertNull(alarm.update(50), "half of the lowest threshold is not below it");
        assertEquals(new BacklogAlarm.Change("events", 49, 100, 0), alarm.update(49));
        assertEquals(0, alarm.level());
        assertEquals(new BacklogAlarm.Change("events", 100, 100, 1), alarm.update(100), "and it rises again");
    }

    @Test
    void thresholdsMustAscend() {
        assertThrows(IllegalArgumentException.class, () -> new BacklogAlarm("events", new long[] {10, 10}));
        assertThrows(IllegalArgumentException.class, () -> new BacklogAlarm("events", new long[] {0}));
        assertNull(new BacklogAlarm("events", new long[0]).update(Long.MAX_VALUE), "no thresholds: never");
    }
}
