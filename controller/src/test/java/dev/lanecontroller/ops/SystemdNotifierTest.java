package dev.lanecontroller.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the daemon takes from systemd's environment (the notify socket itself is tested from provisioning/tests). */
class SystemdNotifierTest {
    @Test
    void theWatchdogIsFedAtHalfItsTimeoutAndOnlyForThisProcess() {
        assertEquals(10_000, SystemdNotifier.watchdogIntervalMs(Map.of("WATCHDOG_USEC", "20000000"), 42));
        assertEquals(10_000, SystemdNotifier.watchdogIntervalMs(Map.of("WATCHDOG_USEC", "20000000", "WATCHDOG_PID", "42"), 42));
        assertEquals(0, SystemdNotifier.watchdogIntervalMs(Map.of("WATCHDOG_USEC", "20000000", "WATCHDOG_PID", "7"), 42));
        assertEquals(0, SystemdNotifier.watchdogIntervalMs(Map.of("WATCHDOG_USEC", "twenty"), 42));
        assertEquals(0, SystemdNotifier.watchdogIntervalMs(Map.of(), 42));
    }

    @Test
    void withoutANotifySocketNothingIsSent() {
        SystemdNotifier notifier = SystemdNotifier.fromEnvironment(Map.of("WATCHDOG_USEC", "20000000"));
        assertFalse(notifier.enabled());
        notifier.ready(() -> true, () -> "lane AUTOMATED");
        notifier.stopping();
        assertEquals(0, notifier.sent());
    }

    @Test
    void aStalledLaneLoopStopsTheWatchdogPingsButNotTheStatus(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path sent = dir.resolve("sent");
        java.util.concurrent.atomic.AtomicBoolean healthy = new java.util.concurrent.atomic.AtomicBoolean(true);
        try (SystemdNotifier notifier = notifierWritingTo(sent, dir)) {
            assertEquals(100, notifier.watchdogIntervalMs());
            notifier.ready(healthy::get, () -> "lane AUTOMATED, backlog 0");
            awaitLines(sent, 3);
            healthy.set(false);
            int before = java.nio.file.Files.readAllLines(sent).size();
            awaitLines(sent, before + 3);
            java.util.List<String> lines = java.nio.file.Files.readAllLines(sent);
            org.junit.jupiter.api.Assertions.assertTrue(lines.get(0).contains("READY=1"), lines.toString());
            org.junit.jupiter.api.Assertions.assertTrue(lines.get(1).contains("WATCHDOG=1"), lines.toString());
            for (String line : lines.subList(before + 1, lines.size())) {
                assertFalse(line.contains("WATCHDOG=1"), "a stalled loop feeds no watchdog: " + lines);
                org.junit.jupiter.api.Assertions.assertTrue(line.contains("STATUS=lane loop stalled"), line);
            }
        }
    }

    @Test
    void aStatusThatCannotBeReadStillFeedsTheWatchdog(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path sent = dir.resolve("sent");
        try (SystemdNotifier notifier = notifierWritingTo(sent, dir)) {
            notifier.ready(() -> true, () -> {
                throw new IllegalStateException("cannot count the backlog: disk I/O error");
            });
            awaitLines(sent, 4);
            java.util.List<String> lines = java.nio.file.Files.readAllLines(sent);
            org.junit.jupiter.api.Assertions.assertTrue(lines.get(0).contains("READY=1"), lines.toString());
            for (String line : lines.subList(1, 4)) {
                org.junit.jupiter.api.Assertions.assertTrue(line.contains("WATCHDOG=1") && line.contains("status unavailable: cannot count"), line);
            }
        }
    }

    /** A notifier under systemd with a 200 ms watchdog, its messages written to {@code sent} by a fake systemd-notify. */
    private static SystemdNotifier notifierWritingTo(java.nio.file.Path sent, java.nio.file.Path dir) throws java.io.IOException {
        java.nio.file.Path fake = dir.resolve("systemd-notify");
        java.nio.file.Files.writeString(fake, "#!/bin/sh\necho \"$*\" >> " + sent + "\n");
        fake.toFile().setExecutable(true);
        return SystemdNotifier.fromEnvironment(Map.of("NOTIFY_SOCKET", "/run/fake", "WATCHDOG_USEC", "200000",
                "LANE_SYSTEMD_NOTIFY", fake.toString()));
    }

    private static void awaitLines(java.nio.file.Path file, int count) throws Exception {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!java.nio.file.Files.exists(file) || java.nio.file.Files.readAllLines(file).size() < count) {
            org.junit.jupiter.api.Assertions.assertTrue(System.nanoTime() < deadline, "fewer than " + count + " messages sent");
            Thread.sleep(20);
        }
    }

    @Test
    void theStatusIsOneShortLine() {
        assertEquals("STATUS=lane FAULT (reader silent) backlog 3", SystemdNotifier.statusLine("lane FAULT (reader silent)\nbacklog 3"));
        assertEquals(7 + 200, SystemdNotifier.statusLine("x".repeat(500)).length());
    }
}
