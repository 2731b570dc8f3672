package dev.lanecontroller.hal.sim;

import dev.lanecontroller.hal.Listeners;
import dev.lanecontroller.hal.Gate;
import dev.lanecontroller.hal.GateDirection;
import dev.lanecontroller.hal.GateLimit;
import dev.lanecontroller.hal.Scheduler;
import java.util.function.Consumer;

/**
 * A barrier arm that takes {@code travelMs} to go from one limit to the other, can reverse
 * mid-travel, and can jam (commands ignored, no limit reached) when a fault is injected.
 */
public final class SimGate implements Gate {
    private final Scheduler scheduler;
    private final long travelMs;
    private final Listeners<GateLimit> limitListeners = new Listeners<>();
    private double openFraction;
    private GateDirection moving;
    private long movingSinceMs;
    private long motionGeneration;
    private boolean jammed;

    /** Starts closed, as a gate is found after power-up with its arm down. */
    public SimGate(Scheduler scheduler, long travelMs) {
        if (travelMs <= 0) {
            throw new IllegalArgumentException("travelMs must be positive, got " + travelMs);
        }
        this.scheduler = scheduler;
        this.travelMs = travelMs;
    }

    @Override
    public synchronized void move(GateDirection direction) {
        if (jammed) {
            return;
        }
        settle();
        moving = direction;
        movingSinceMs = scheduler.nowMs();
        long generation = ++motionGeneration;
        double remaining = direction == GateDirection.UP ? 1.0 - openFraction : openFraction;
        long remainingMs = Math.round(remaining * travelMs);
        scheduler.after(remainingMs, () -> arrive(generation, direction));
    }

    @Override
    /** Like a real lane's limit switches ({@code GpioLane}): the limit the arm rests on is reported at once. */
    public void onLimitReached(Consumer<GateLimit> listener) {
        limitListeners.add(listener);
        double open = openFraction();
        if (open <= 0.0) {
            listener.accept(GateLimit.CLOSED);
        } else if (open >= 1.0) {
            listener.accept(GateLimit.OPEN);
        }
    }

    /** 0.0 = arm down, 1.0 = arm fully up. */
    public synchronized double openFraction() {
        settle();
        return openFraction;
    }

    public synchronized boolean isFullyOpen() {
        return openFraction() >= 1.0;
    }

    public synchronized boolean isClosed() {
        return openFraction() <= 0.0;
    }

    public synchronized boolean isJammed() {
        return jammed;
    }

    /** Fault injection: the arm stops where it is and ignores commands until {@link #unjam()}. */
    public synchronized void jam() {
        settle();
        jammed = true;
        moving = null;
        motionGeneration++;
    }

    public synchronized void unjam() {
        jammed = false;
    }

    private void arrive(long generation, GateDirection direction) {
        GateLimit reached;
        synchronized (this) {
            if (generation != motionGeneration || jammed) {
                return;
            }
            moving = null;
            openFraction = direction == GateDirection.UP ? 1.0 : 0.0;
            reached = direction == GateDirection.UP ? GateLimit.OPEN : GateLimit.CLOSED;
        }
        limitListeners.notifyAll(reached);
    }

    /** Brings openFraction up to date with the motion under way. */
    private void settle() {
        if (moving == null) {
            return;
        }
        long now = scheduler.nowMs();
        double travelled = (double) (now - movingSinceMs) / travelMs;
        openFraction = moving == GateDirection.UP
                ? Math.min(1.0, openFraction + travelled)
                : Math.max(0.0, openFraction - travelled);
        movingSinceMs = now;
    }
}
