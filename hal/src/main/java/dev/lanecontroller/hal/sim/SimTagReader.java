package dev.lanecontroller.hal.sim;

import dev.lanecontroller.hal.Listeners;
import dev.lanecontroller.hal.Scheduler;
import dev.lanecontroller.hal.TagRead;
import dev.lanecontroller.hal.TagReader;
import java.util.function.Consumer;

/** A reader that reports the reads the simulation gives it and beats a heartbeat, unless silenced. */
public final class SimTagReader implements TagReader {
    private final Scheduler scheduler;
    private final long heartbeatIntervalMs;
    private final Listeners<TagRead> readListeners = new Listeners<>();
    private final Listeners<Boolean> heartbeatListeners = new Listeners<>();
    private volatile boolean silent;
    private boolean beating;

    public SimTagReader(Scheduler scheduler, long heartbeatIntervalMs) {
        if (heartbeatIntervalMs <= 0) {
            throw new IllegalArgumentException("heartbeatIntervalMs must be positive, got " + heartbeatIntervalMs);
        }
        this.scheduler = scheduler;
        this.heartbeatIntervalMs = heartbeatIntervalMs;
    }

    @Override
    public void onRead(Consumer<TagRead> listener) {
        readListeners.add(listener);
    }

    @Override
    public void onHeartbeat(Runnable listener) {
        heartbeatListeners.add(ignored -> listener.run());
    }

    /** Starts the heartbeat; the first beat comes one interval from now. */
    public synchronized void start() {
        if (!beating) {
            beating = true;
            scheduler.after(heartbeatIntervalMs, this::beat);
        }
    }

    /** A card in the field was read (dropped when the reader is silent, as a dead reader would). */
    public void read(TagRead read) {
        if (!silent) {
            readListeners.notifyAll(read);
        }
    }

    /** Fault injection: no reads, no heartbeat, until {@code setSilent(false)}. */
    public void setSilent(boolean silent) {
        this.silent = silent;
    }

    public boolean isSilent() {
        return silent;
    }

    private void beat() {
        if (!silent) {
            heartbeatListeners.notifyAll(Boolean.TRUE);
        }
        scheduler.after(heartbeatIntervalMs, this::beat);
    }
}
