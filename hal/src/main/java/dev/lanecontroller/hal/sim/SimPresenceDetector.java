package dev.lanecontroller.hal.sim;

import dev.lanecontroller.hal.Listeners;
import dev.lanecontroller.hal.LoopId;
import dev.lanecontroller.hal.PresenceDetector;
import dev.lanecontroller.hal.Scheduler;
import java.util.function.Consumer;

/**
 * A loop or photo-eye whose occupancy the simulation sets. Faults: stuck occupied (ignores the
 * traffic until released) and chattering (flips on its own for a while).
 */
public final class SimPresenceDetector implements PresenceDetector {
    private final LoopId id;
    private final Scheduler scheduler;
    private final Listeners<Boolean> listeners = new Listeners<>();
    private boolean trafficOccupied;
    private boolean reportedOccupied;
    private boolean stuck;
    private boolean obstacle;

    public SimPresenceDetector(LoopId id, Scheduler scheduler) {
        this.id = id;
        this.scheduler = scheduler;
    }

    @Override
    public LoopId id() {
        return id;
    }

    @Override
    public void onChange(Consumer<Boolean> occupiedListener) {
        listeners.add(occupiedListener);
        if (isOccupied()) {
            occupiedListener.accept(true); // as the GPIO lane does: a lane started over a vehicle learns of it
        }
    }

    /** What the vehicles over the loop make it read. */
    public void setOccupied(boolean occupied) {
        synchronized (this) {
            trafficOccupied = occupied;
        }
        reread(false);
    }

    /**
     * Something besides the vehicles (a person, a bicycle, a dropped load; a scenario's loop step): it
     * reads occupied while either is there.
     */
    public void setObstacle(boolean present) {
        synchronized (this) {
            obstacle = present;
        }
        reread(false);
    }

    public synchronized boolean isOccupied() {
        return reportedOccupied;
    }

    /** Whether a {@link #stickOccupied} fault is on (what a test knows and the lane must find out). */
    public synchronized boolean isStuck() {
        return stuck;
    }

    /** Fault injection: the detector reads occupied whatever is over it. */
    public void stickOccupied() {
        synchronized (this) {
            stuck = true;
        }
        reread(false);
    }

    /** Ends a stuck fault: the detector reads what is over it again. */
    public void unstick() {
        synchronized (this) {
            stuck = false;
        }
        reread(false);
    }

    /** Fault injection: {@code flips} spurious changes, {@code intervalMs} apart, then back to what is there. */
    public void chatter(int flips, long intervalMs) {
        for (int i = 1; i <= flips; i++) {
            boolean spuriouslyOccupied = i % 2 == 1;
            scheduler.after(i * intervalMs, () -> reread(spuriouslyOccupied));
        }
        scheduler.after((flips + 1L) * intervalMs, () -> reread(false));
    }

    /**
     * Reads the detector again from everything that can occupy it, and tells the listeners if the reading
     * changed. A spurious flip can only add occupancy: a real vehicle or obstacle still reads occupied.
     */
    private void reread(boolean spuriouslyOccupied) {
        boolean changed;
        boolean now;
        synchronized (this) {
            now = spuriouslyOccupied || stuck || trafficOccupied || obstacle;
            changed = report(now);
        }
        if (changed) {
            listeners.notifyAll(now);
        }
    }

    private boolean report(boolean occupied) {
        if (occupied == reportedOccupied) {
            return false;
        }
        reportedOccupied = occupied;
        return true;
    }
}
