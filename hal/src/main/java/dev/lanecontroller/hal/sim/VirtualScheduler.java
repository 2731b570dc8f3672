package dev.lanecontroller.hal.sim;

import dev.lanecontroller.hal.Scheduler;
import java.util.PriorityQueue;

/**
 * Virtual time: tasks run in time order, ties in the order they were scheduled, and time jumps
 * straight to the next task. Single-threaded by design; that is what makes a run replay exactly.
 */
public final class VirtualScheduler implements Scheduler {
    /** A runaway simulation (a task that reschedules itself at the same instant) must stop, not hang. */
    public static final int TASKS_PER_INSTANT_MAX = 100_000;

    private record Task(long atMs, long order, Runnable body) {}

    private final PriorityQueue<Task> queue = new PriorityQueue<>((a, b) -> a.atMs != b.atMs
            ? Long.compare(a.atMs, b.atMs)
            : Long.compare(a.order, b.order));
    private long nowMs;
    private long scheduledCount;
    private long tasksAtThisInstant;

    public VirtualScheduler(long startMs) {
        this.nowMs = startMs;
    }

    @Override
    public long nowMs() {
        return nowMs;
    }

    @Override
    public void at(long monoMs, Runnable task) {
        queue.add(new Task(Math.max(monoMs, nowMs), scheduledCount++, task));
    }

    /** The time of the next task, or Long.MAX_VALUE when there is none. */
    public long nextTaskMs() {
        Task next = queue.peek();
        return next == null ? Long.MAX_VALUE : next.atMs;
    }

    /** Runs the next task if it is due at or before {@code limitMs}; returns false when none is. */
    public boolean runNext(long limitMs) {
        Task next = queue.peek();
        if (next == null || next.atMs > limitMs) {
            return false;
        }
        queue.poll();
        if (next.atMs == nowMs) {
            tasksAtThisInstant++;
            if (tasksAtThisInstant > TASKS_PER_INSTANT_MAX) {
                throw new IllegalStateException("more than " + TASKS_PER_INSTANT_MAX + " tasks at t=" + nowMs + " ms: runaway simulation");
            }
        } else {
            tasksAtThisInstant = 0;
        }
        nowMs = next.atMs;
        next.body.run();
        return true;
    }

    /** Moves time forward to {@code targetMs} without running anything (used when nothing is due). */
    public void advanceTo(long targetMs) {
        if (targetMs < nowMs) {
            throw new IllegalArgumentException("time cannot go back: " + targetMs + " < " + nowMs);
        }
        if (nextTaskMs() < targetMs) {
            throw new IllegalStateException("a task is due at " + nextTaskMs() + " before " + targetMs);
        }
        nowMs = targetMs;
    }
}
