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
    void theStatusIsOneShortLine() {
        assertEquals("STATUS=lane FAULT (reader silent) backlog 3", SystemdNotifier.statusLine("lane FAULT (reader silent)\nbacklog 3"));
        assertEquals(7 + 200, SystemdNotifier.statusLine("x".repeat(500)).length());
    }
}
