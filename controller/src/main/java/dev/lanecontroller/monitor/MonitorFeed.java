package dev.lanecontroller.monitor;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * The monitor's one view of the lane, shared by every page: a thread of its own reads the lane's
 * state every {@link #SAMPLE_MS} and whenever the lane says it changed something, writes it as JSON
 * once, and wakes the streams when it differs. However many pages watch, the lane is read at the
 * same rate; however fast the lane changes, at most every {@link #SAMPLE_GAP_MIN_MS}. The lane
 * thread's part, {@link #nudge()}, is a volatile write and an unpark: it never waits.
 */
public final class MonitorFeed implements AutoCloseable {
    static final long SAMPLE_MS = 250;
    /** However fast the lane changes (a benchmark decides thousands of vehicles a second), at most this often a sample: the feed's CPU is bounded. */
    static final long SAMPLE_GAP_MIN_MS = 50;
    /** A view larger than this is a bug (50 vehicles and a few lists are a few KB): it is never sent whole. */
    static final int VIEW_BYTES_MAX = 256 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final System.Logger LOG = System.getLogger(MonitorFeed.class.getName());

    private final Supplier<Map<String, Object>> view;
    private final Thread sampler;
    private volatile boolean nudged;
    private volatile boolean closed;
    private byte[] current = "{}".getBytes(StandardCharsets.UTF_8);
    private long version;
    private long failures;

    public MonitorFeed(Supplier<Map<String, Object>> view) {
        this.view = view;
        this.sampler = new Thread(this::run, "monitor-feed");
        sampler.setDaemon(true);
        sampler.setPriority(Thread.MIN_PRIORITY); // the lane thread first
        sampler.start();
    }

    /** Something changed in the lane: sample now rather than at the next tick. */
    public void nudge() {
        nudged = true;
        LockSupport.unpark(sampler);
    }

    private void run() {
        while (!closed) {
            long sampledAt = System.nanoTime();
            sample();
            // The gap is kept however often the lane nudges: an unpark only ends one park early.
            long gapEnd = sampledAt + TimeUnit.MILLISECONDS.toNanos(SAMPLE_GAP_MIN_MS);
            for (long left = gapEnd - System.nanoTime(); left > 0 && !closed; left = gapEnd - System.nanoTime()) {
                LockSupport.parkNanos(left);
            }
            long nextTick = sampledAt + TimeUnit.MILLISECONDS.toNanos(SAMPLE_MS);
            for (long left = nextTick - System.nanoTime(); left > 0 && !nudged && !closed; left = nextTick - System.nanoTime()) {
                LockSupport.parkNanos(left);
            }
            nudged = false;
        }
    }

    private void sample() {
        byte[] next;
        try {
            next = JSON.writeValueAsBytes(view.get());
            if (next.length > VIEW_BYTES_MAX) {
                throw new IllegalStateException("the view is " + next.length + " bytes, over " + VIEW_BYTES_MAX);
            }
        } catch (JsonProcessingException | RuntimeException e) {
            if (failures++ % 100 == 0) {
                LOG.log(System.Logger.Level.WARNING, "the monitor cannot read the lane's state: " + e.getMessage());
            }
            // The page says so rather than showing an old view as live.
            next = errorView("the lane's state cannot be read: " + e.getMessage());
        }
        synchronized (this) {
            if (!Arrays.equals(next, current)) {
                current = next;
                version++;
                notifyAll();
            }
        }
    }

    private static byte[] errorView(String message) {
        try {
            return JSON.writeValueAsBytes(Map.of("error", message.length() > 200 ? message.substring(0, 200) : message));
        } catch (JsonProcessingException e) {
            return "{\"error\":\"the lane's state cannot be read\"}".getBytes(StandardCharsets.UTF_8);
        }
    }

    /** Waits until the view is newer than {@code seenVersion} or {@code timeoutMs} passed; returns the latest either way. */
    synchronized Versioned awaitNewer(long seenVersion, long timeoutMs) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (version <= seenVersion) {
            long leftMs = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (leftMs <= 0) {
                break;
            }
            wait(leftMs);
        }
        return new Versioned(version, current);
    }

    record Versioned(long version, byte[] json) {}

    @Override
    public void close() {
        closed = true;
        LockSupport.unpark(sampler);
    }
}
