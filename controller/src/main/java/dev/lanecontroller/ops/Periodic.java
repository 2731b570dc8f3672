package dev.lanecontroller.ops;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A housekeeping job on a daemon thread of its own, run with a fixed delay between runs. Each job
 * has its own thread so a slow one (an hour-long purge) never delays another (the backlog alarm);
 * a run that throws is logged and the next run still comes (a bare ScheduledExecutorService would
 * silently stop the job for good).
 */
public final class Periodic implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Periodic.class.getName());

    private final ScheduledExecutorService executor;

    private Periodic(ScheduledExecutorService executor) {
        this.executor = executor;
    }

    public static Periodic every(String name, long firstDelay, long delay, TimeUnit unit, Runnable job) {
        ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        });
        executor.scheduleWithFixedDelay(() -> {
            try {
                job.run();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, name + " failed (it runs again in " + delay + " " + unit.name().toLowerCase(java.util.Locale.ROOT)
                        + "): " + e, e);
            }
        }, firstDelay, delay, unit);
        return new Periodic(executor);
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
