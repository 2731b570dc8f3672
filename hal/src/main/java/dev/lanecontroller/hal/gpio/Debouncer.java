package dev.lanecontroller.hal.gpio;

import dev.lanecontroller.hal.Scheduler;
import java.util.function.Consumer;

/**
 * Passes on a level only once it has held for {@code debounceMs}: contact bounce and loop-detector
 * chatter shorter than that never reach the lane. Each change restarts the wait; the first level
 * seen is taken as the start state without being reported.
 */
final class Debouncer {
    private final Scheduler scheduler;
    private final long debounceMs;
    private final Consumer<Boolean> stable;
    private boolean reported;
    private boolean latest;
    private long generation;

    Debouncer(Scheduler scheduler, long debounceMs, boolean initial, Consumer<Boolean> stable) {
        this.scheduler = scheduler;
        this.debounceMs = debounceMs;
        this.stable = stable;
        this.reported = initial;
        this.latest = initial;
    }

    synchronized void change(boolean level) {
        latest = level;
        long mine = ++generation;
        if (debounceMs == 0) {
            settle(mine);
            return;
        }
        scheduler.after(debounceMs, () -> settle(mine));
    }

    /** The level reported last: what the lane believes. */
    synchronized boolean reported() {
        return reported;
    }

    private void settle(long mine) {
        boolean report;
        synchronized (this) {
            if (mine != generation || latest == reported) {
                return;
            }
            reported = latest;
            report = latest;
        }
        stable.accept(report);
    }
}
