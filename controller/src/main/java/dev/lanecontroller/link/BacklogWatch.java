package dev.lanecontroller.link;

import dev.lanecontroller.core.LaneEvent;
import dev.lanecontroller.store.JournalEntry;
import dev.lanecontroller.store.Outbox;
import dev.lanecontroller.store.StoreException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Watches the events central has not acknowledged yet and journals an alert when their number, or
 * the age of the oldest, reaches a configured threshold (CENTRAL_BACKLOG), and when it has drained
 * (CENTRAL_BACKLOG_CLEARED). The alerts reach central with the backlog itself; until then they
 * show in {@code /health}, the metrics and the log. Thread-safe: the daemon runs it on a timer.
 */
public final class BacklogWatch {
    private static final System.Logger LOG = System.getLogger(BacklogWatch.class.getName());

    private final Outbox outbox;
    private final BacklogAlarm events;
    private final BacklogAlarm age;
    private final EventRecorder recorder;
    private final LongSupplier wallClock;

    public BacklogWatch(Outbox outbox, long[] eventThresholds, long[] ageThresholdsMs, EventRecorder recorder, LongSupplier wallClock) {
        this.outbox = outbox;
        this.events = new BacklogAlarm("events", eventThresholds);
        this.age = new BacklogAlarm("ageMs", ageThresholdsMs);
        this.recorder = recorder;
        this.wallClock = wallClock;
    }

    /** The highest alarm level of either measure: 0 when quiet. */
    public synchronized int level() {
        return Math.max(events.level(), age.level());
    }

    /** Looks at the backlog now; returns the changes it journaled (for tests and the log). */
    public synchronized List<BacklogAlarm.Change> check() {
        List<BacklogAlarm.Change> changes = new ArrayList<>();
        try {
            long unsent = outbox.unsentCount();
            List<JournalEntry> oldest = unsent == 0 ? List.of() : outbox.unsent(0, 1);
            long oldestAgeMs = oldest.isEmpty() ? 0 : Math.max(0, wallClock.getAsLong() - oldest.get(0).wallMs());
            add(changes, events.update(unsent));
            add(changes, age.update(oldestAgeMs));
        } catch (StoreException e) {
            LOG.log(System.Logger.Level.WARNING, "backlog not checked: " + e.getMessage());
        }
        for (BacklogAlarm.Change change : changes) {
            if (change.level() > 0) {
                LOG.log(System.Logger.Level.WARNING, "central backlog alarm: " + change.measure() + " " + change.value()
                        + " reached " + change.threshold() + " (level " + change.level() + ")");
                recorder.record(new LaneEvent.CentralBacklog(change.measure(), change.value(), change.threshold(), change.level()));
            } else {
                LOG.log(System.Logger.Level.INFO, "central backlog alarm cleared: " + change.measure() + " " + change.value());
                recorder.record(new LaneEvent.CentralBacklogCleared(change.measure(), change.value()));
            }
        }
        return changes;
    }

    private static void add(List<BacklogAlarm.Change> changes, BacklogAlarm.Change change) {
        if (change != null) {
            changes.add(change);
        }
    }
}
