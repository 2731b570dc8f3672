package dev.lanecontroller.hal.sim;

import dev.lanecontroller.hal.Scheduler;
import dev.lanecontroller.hal.TagRead;
import dev.lanecontroller.hal.ListeningTagReader;

/** A reader that reports the reads the simulation gives it and beats a heartbeat, unless silenced. */
public final class SimTagReader extends ListeningTagReader {
    private final Scheduler scheduler;
    private final long heartbeatIntervalMs;
    private volatile boolean silent;
    private boolean beating;

    public SimTagReader(Scheduler scheduler, long heartbeatIntervalMs) {
        if (heartbeatIntervalMs <= 0) {
            throw new IllegalArgumentException("heartbeatIntervalMs must be positive, got " + heartbeatIntervalMs);
        }
        this.scheduler = scheduler;
        this.heartbeatIntervalMs = heartbeatIntervalMs;
    }

    /** Starts the heartbeat; the first beat comes one interval from now. */
    public synchronized void start() {
        if (!beating) {
            beating = true;
            scheduler.after(heartbeatIntervalMs, this::tick);
        }
    }

    /** A card in the field was read (dropped when the reader is silent, as a dead reader would). */
    public void read(TagRead read) {
        if (!silent) {
            deliver(read);
        }
    }

    /** Fault injection: no reads, no heartbeat, until {@code setSilent(false)}. */
    public void setSilent(boolean silent) {
        this.silent = silent;
    }

    /** Fault injection: the reader reports {@code detail} (an antenna disconnected), or, with null, that it is fine again. */
    public void setTrouble(String detail) {
        if (detail != null) {
            troubleStarted(detail);
        } else {
            troubleEnded();
        }
    }

    public boolean isSilent() {
        return silent;
    }

    private void tick() {
        if (!silent) {
            beat();
        }
        scheduler.after(heartbeatIntervalMs, this::tick);
    }
}
