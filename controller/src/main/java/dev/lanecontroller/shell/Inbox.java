package dev.lanecontroller.shell;

import dev.lanecontroller.core.LaneInput;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The lane's bounded inbox. Producers (drivers, the central link) only offer; a full inbox drops the
 * input and counts it, and the lane thread turns a drop into a fault: a lost loop change is a
 * safety matter, so the lane stops automating rather than run on a wrong picture.
 */
public final class Inbox {
    /** At 720 vehicles/h a lane sees a few dozen inputs a second; 4096 is minutes of backlog. */
    public static final int CAPACITY = 4096;

    private final BlockingQueue<LaneInput> queue = new ArrayBlockingQueue<>(CAPACITY);
    private final AtomicLong dropped = new AtomicLong();

    public boolean offer(LaneInput input) {
        boolean accepted = queue.offer(input);
        if (!accepted) {
            dropped.incrementAndGet();
        }
        return accepted;
    }

    /** The next input, or null when none came within the timeout. */
    public LaneInput poll(long timeoutMs) throws InterruptedException {
        return queue.poll(Math.max(0, timeoutMs), TimeUnit.MILLISECONDS);
    }

    public LaneInput pollNow() {
        return queue.poll();
    }

    public long dropped() {
        return dropped.get();
    }
}
