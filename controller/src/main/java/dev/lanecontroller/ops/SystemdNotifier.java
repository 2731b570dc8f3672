package dev.lanecontroller.ops;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Tells systemd how the daemon is (sd_notify: READY, STATUS, WATCHDOG, STOPPING). The JDK cannot
 * send a datagram to a Unix socket, so each message goes through {@code systemd-notify}, which
 * waits until systemd has taken the message (its barrier) and so is attributed to this service
 * under {@code NotifyAccess=all}. Without {@code NOTIFY_SOCKET} (not started by systemd) it does
 * nothing.
 */
public final class SystemdNotifier implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(SystemdNotifier.class.getName());
    /** The STATUS line is refreshed this often even without a watchdog. */
    static final long STATUS_INTERVAL_MS = 10_000;
    /** systemd-notify waits up to 5 s for systemd's barrier; past this it is stuck and is killed. */
    private static final long SEND_TIMEOUT_MS = 10_000;
    private static final int STATUS_CHARS_MAX = 200;

    private final String notifyCommand;
    private final long pid;
    private final long watchdogIntervalMs;
    private final ScheduledExecutorService thread;
    private volatile long sent;
    private volatile long sendFailures;

    private SystemdNotifier(String notifyCommand, long pid, long watchdogIntervalMs) {
        this.notifyCommand = notifyCommand;
        this.pid = pid;
        this.watchdogIntervalMs = watchdogIntervalMs;
        this.thread = notifyCommand == null ? null : Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread t = new Thread(runnable, "systemd-notify");
            t.setDaemon(true);
            return t;
        });
    }

    /** From the environment systemd gives a service; inert when {@code NOTIFY_SOCKET} is not set. */
    public static SystemdNotifier fromEnvironment(Map<String, String> env) {
        long pid = ProcessHandle.current().pid();
        if (env.getOrDefault("NOTIFY_SOCKET", "").isEmpty()) {
            return new SystemdNotifier(null, pid, 0);
        }
        return new SystemdNotifier(env.getOrDefault("LANE_SYSTEMD_NOTIFY", "systemd-notify"), pid, watchdogIntervalMs(env, pid));
    }

    /**
     * Half systemd's watchdog timeout (as sd_watchdog_enabled advises), or 0 when there is no
     * watchdog or it is meant for another process.
     */
    static long watchdogIntervalMs(Map<String, String> env, long pid) {
        String usec = env.get("WATCHDOG_USEC");
        String watchdogPid = env.get("WATCHDOG_PID");
        if (usec == null || (watchdogPid != null && !watchdogPid.equals(Long.toString(pid)))) {
            return 0;
        }
        try {
            long micros = Long.parseLong(usec.trim());
            return micros <= 0 ? 0 : Math.max(1, micros / 2_000);
        } catch (NumberFormatException e) {
            LOG.log(System.Logger.Level.WARNING, "WATCHDOG_USEC is not a number: " + usec + " (watchdog not fed)");
            return 0;
        }
    }

    public boolean enabled() {
        return thread != null;
    }

    public long watchdogIntervalMs() {
        return watchdogIntervalMs;
    }

    /**
     * READY=1, then every watchdog interval (or every 10 s without one) the status line, with
     * WATCHDOG=1 only while {@code loopHealthy} holds: a hung lane loop stops the pings and systemd
     * restarts the daemon.
     */
    public void ready(BooleanSupplier loopHealthy, Supplier<String> status) {
        if (!enabled()) {
            return;
        }
        thread.execute(() -> send(List.of("READY=1", statusLine(statusOrProblem(status)))));
        long periodMs = watchdogIntervalMs > 0 ? watchdogIntervalMs : STATUS_INTERVAL_MS;
        thread.scheduleAtFixedRate(() -> {
            boolean healthy = loopHealthy.getAsBoolean();
            List<String> message = new ArrayList<>();
            if (healthy && watchdogIntervalMs > 0) {
                message.add("WATCHDOG=1");
            }
            message.add(statusLine(healthy ? statusOrProblem(status) : "lane loop stalled: watchdog not fed"));
            send(message);
        }, periodMs, periodMs, TimeUnit.MILLISECONDS);
    }

    /**
     * The status text, or what kept it from being read: a journal that cannot be read must not end
     * the pings (a periodic task that throws is never run again, and systemd would then restart a
     * lane whose loop is healthy, losing the events it holds in memory).
     */
    private static String statusOrProblem(Supplier<String> status) {
        try {
            return status.get();
        } catch (RuntimeException e) {
            return "status unavailable: " + e.getMessage();
        }
    }

    /** STOPPING=1: systemd shows the service as deactivating while the lane stops cleanly. */
    public void stopping() {
        if (!enabled()) {
            return;
        }
        thread.shutdownNow();
        send(List.of("STOPPING=1", statusLine("stopping")));
    }

    public long sent() {
        return sent;
    }

    public long sendFailures() {
        return sendFailures;
    }

    static String statusLine(String status) {
        String oneLine = status.replaceAll("[\\r\\n]+", " ");
        return "STATUS=" + (oneLine.length() > STATUS_CHARS_MAX ? oneLine.substring(0, STATUS_CHARS_MAX) : oneLine);
    }

    private void send(List<String> assignments) {
        List<String> command = new ArrayList<>();
        command.add(notifyCommand);
        command.add("--pid=" + pid);
        command.addAll(assignments);
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!process.waitFor(SEND_TIMEOUT_MS, TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                fail(assignments, "did not finish in " + SEND_TIMEOUT_MS + " ms");
            } else if (process.exitValue() != 0) {
                fail(assignments, "exit " + process.exitValue());
            } else {
                sent++;
            }
        } catch (IOException e) {
            fail(assignments, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void fail(List<String> assignments, String why) {
        sendFailures++;
        // The first failure and then every hundredth: a missing systemd-notify must not flood the journal.
        if (sendFailures == 1 || sendFailures % 100 == 0) {
            LOG.log(System.Logger.Level.WARNING, "systemd-notify " + assignments.get(0) + " failed (" + sendFailures + " so far): " + why);
        }
    }

    @Override
    public void close() {
        if (thread != null) {
            thread.shutdownNow();
        }
    }
}
