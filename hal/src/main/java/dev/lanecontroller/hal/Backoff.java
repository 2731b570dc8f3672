package dev.lanecontroller.hal;

import java.util.function.DoubleSupplier;

/**
 * Reconnect delays: exponential with full jitter (a uniform draw between zero and the capped
 * exponential), so hundreds of lanes that lost the same broker (or readers that lost their lane) do
 * not come back in step.
 */
public final class Backoff {
    private final long baseMs;
    private final long capMs;
    private final DoubleSupplier random;
    private int failures;

    public Backoff(long baseMs, long capMs, DoubleSupplier random) {
        if (baseMs < 1 || capMs < baseMs) {
            throw new IllegalArgumentException("backoff needs 1 <= base <= cap, got base " + baseMs + " ms, cap " + capMs + " ms");
        }
        this.baseMs = baseMs;
        this.capMs = capMs;
        this.random = random;
    }

    /** The delay before the next attempt, after one more failure. */
    public long nextDelayMs() {
        long ceiling = ceilingMs(failures);
        failures = Math.min(failures + 1, 62);
        return (long) (random.getAsDouble() * ceiling);
    }

    /** The upper bound of the delay after {@code failures} failures in a row: base doubled each time, up to the cap. */
    long ceilingMs(int failures) {
        long ceiling = baseMs;
        for (int i = 0; i < failures && ceiling < capMs; i++) {
            ceiling = Math.min(capMs, ceiling * 2);
        }
        return ceiling;
    }

    public void reset() {
        failures = 0;
    }

    public int failures() {
        return failures;
    }
}
