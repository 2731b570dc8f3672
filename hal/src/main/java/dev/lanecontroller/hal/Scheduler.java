package dev.lanecontroller.hal;

/**
 * Monotonic time and delayed work for drivers that need it (a simulated gate's travel, a reader's
 * heartbeat). A virtual implementation runs a day in seconds; a real one follows the wall of time.
 */
public interface Scheduler {
    /** Monotonic milliseconds; never goes back, unrelated to the wall clock. */
    long nowMs();

    /** Runs the task at (or, if late, right after) the given monotonic time. */
    void at(long monoMs, Runnable task);

    default void after(long delayMs, Runnable task) {
        at(nowMs() + delayMs, task);
    }
}
