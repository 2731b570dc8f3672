package dev.lanecontroller.ops;

import dev.lanecontroller.core.ListInfo;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * What /health answers: each part of the lane checked, healthy only if every check is. Pure: the
 * daemon takes a {@link Snapshot} of itself and this decides.
 */
public final class Health {
    /** The lane loop comes round at least once a second; this much silence means it is stuck. */
    public static final long LOOP_STALL_MS = 5_000;

    public record Check(boolean ok, String detail) {}

    /**
     * @param centralConnected null when no central link is configured
     * @param backlogAlarmLevel the central backlog alarm's level (0: quiet)
     */
    public record Snapshot(long nowMonoMs, boolean loopAlive, long lastLoopTurnMs, boolean journalFailing, long journalFailures, String mode,
                           String faultCause, Boolean centralConnected, long backlog, Collection<ListInfo> lists, Set<String> programs,
                           long nowWallMs, long maxListAgeMs, boolean clockSynced, int backlogAlarmLevel) {
        public Snapshot(long nowMonoMs, boolean loopAlive, long lastLoopTurnMs, boolean journalFailing, long journalFailures, String mode,
                        String faultCause, Boolean centralConnected, long backlog, Collection<ListInfo> lists, Set<String> programs,
                        long nowWallMs, long maxListAgeMs, boolean clockSynced) {
            this(nowMonoMs, loopAlive, lastLoopTurnMs, journalFailing, journalFailures, mode, faultCause, centralConnected, backlog, lists,
                    programs, nowWallMs, maxListAgeMs, clockSynced, 0);
        }
    }

    public record Result(boolean ok, Map<String, Check> checks) {}

    private Health() {}

    /** The lane thread runs and came round lately: what /health reports and what feeds systemd's watchdog. */
    public static Check laneLoop(boolean alive, long lastTurnMs, long nowMonoMs) {
        long silentMs = nowMonoMs - lastTurnMs;
        return !alive ? new Check(false, "the lane thread has stopped")
                : silentMs > LOOP_STALL_MS ? new Check(false, "the lane loop has not come round for " + silentMs + " ms")
                : new Check(true, "running");
    }

    public static Result evaluate(Snapshot s) {
        Map<String, Check> checks = new LinkedHashMap<>();
        checks.put("laneLoop", laneLoop(s.loopAlive(), s.lastLoopTurnMs(), s.nowMonoMs()));
        checks.put("store", s.journalFailing() ? new Check(false, "the journal's last write failed (" + s.journalFailures() + " failures)")
                : new Check(true, "journal writing"));
        checks.put("lane", "FAULT".equals(s.mode()) ? new Check(false, "FAULT: " + s.faultCause())
                : new Check(true, s.mode()));
        String backlog = roughCount(s.backlog());
        checks.put("centralLink", s.centralConnected() == null ? new Check(true, "not configured")
                : s.backlogAlarmLevel() > 0 ? new Check(false, (s.centralConnected() ? "connected" : "not connected") + ", backlog "
                        + backlog + " (backlog alarm level " + s.backlogAlarmLevel() + ")")
                : s.centralConnected() ? new Check(true, "connected, backlog " + backlog)
                : new Check(false, "not connected, backlog " + backlog));
        StringBuilder stale = new StringBuilder();
        for (String program : s.programs().stream().sorted().toList()) {
            ListInfo list = s.lists().stream().filter(l -> l.program().equals(program)).findFirst().orElse(null);
            if (list == null) {
                stale.append(program).append(": none in force; ");
            } else if (!list.isFreshAt(s.nowWallMs(), s.maxListAgeMs())) {
                boolean clockBehind = list.issuedWallMs() - s.nowWallMs() > ListInfo.ISSUED_AHEAD_TOLERANCE_MS;
                stale.append(program).append(" v").append(list.version()).append(clockBehind ? ": issued after the lane's clock (clock behind); " : ": stale; ");
            }
        }
        checks.put("lists", stale.length() == 0 ? new Check(true, "fresh") : new Check(false, stale.toString().trim()));
        checks.put("clock", s.clockSynced() ? new Check(true, "synchronised") : new Check(false, "not synchronised (NTP)"));
        return new Result(checks.values().stream().allMatch(Check::ok), checks);
    }

    /**
     * A count of journaled events as the open endpoints and the cabinet's page show it: 0, "under
     * 10", or its leading digit and magnitude ("40+", "3000+"). A lookout journals one event more
     * than an ordinary referral (its alert), so an exact backlog, watched while central is
     * unreachable, would tell one from the other; the exact figure is in /metrics.
     */
    public static String roughCount(long count) {
        if (count <= 0) {
            return "0";
        }
        if (count < 10) {
            return "under 10";
        }
        long magnitude = 1;
        while (count / magnitude >= 10) {
            magnitude *= 10;
        }
        return (count / magnitude) * magnitude + "+";
    }
}
