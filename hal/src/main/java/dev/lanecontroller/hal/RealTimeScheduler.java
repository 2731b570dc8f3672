package dev.lanecontroller.hal;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** Real monotonic time (System.nanoTime) with one daemon thread for the simulated devices' timers. */
public final class RealTimeScheduler implements Scheduler, AutoCloseable {
    private final long originNanos = System.nanoTime();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "sim-hardware");
        thread.setDaemon(true);
        return thread;
    });

    @Override
    public long nowMs() {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - originNanos);
    }

    @Override
    public void at(long monoMs, Runnable task) {
        timer.schedule(task, Math.max(0, monoMs - nowMs()), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
