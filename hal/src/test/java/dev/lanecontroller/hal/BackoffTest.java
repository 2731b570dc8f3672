package dev.lanecontroller.hal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Reconnect delays: full jitter under a ceiling that doubles up to the cap, and starts again after a success. */
class BackoffTest {
    @Test
    void delaysAreJitteredUnderADoublingCappedCeiling() {
        SplittableRandom random = new SplittableRandom(7);
        Backoff backoff = new Backoff(100, 10_000, random::nextDouble);
        long sumLate = 0;
        for (int failure = 0; failure < 40; failure++) {
            long ceiling = Math.min(10_000, 100L << Math.min(failure, 20));
            long delay = backoff.nextDelayMs();
            assertTrue(delay >= 0 && delay < ceiling, "delay " + delay + " after " + failure + " failures, ceiling " + ceiling);
            if (failure >= 20) {
                sumLate += delay;
            }
        }
        assertTrue(sumLate / 20 > 2_500 && sumLate / 20 < 7_500, "uniform under the cap on average: " + sumLate / 20);
        backoff.reset();
        assertEquals(0, backoff.failures());
        assertTrue(backoff.nextDelayMs() < 100, "a success starts again from the base");
        assertEquals(10_000, backoff.ceilingMs(1_000), "no overflow however long the outage");
    }
}
