package dev.lanecontroller.core;

import java.util.Objects;
import java.util.Set;

/**
 * The lane's policy and timings, validated by the config loader before they get here. Every wait
 * of the lane cycle has its timeout here (DESIGN §5, invariant 5).
 */
public record LaneSettings(
        String laneId,
        LaneMode initialMode,
        boolean hasArmingLoop,
        boolean hasExitLoop,
        Set<String> acceptedPrograms,
        boolean plateRequired,
        int minPlateConfidencePct,
        double randomReferralPercent,
        boolean officerConfirm,
        long antiPassbackMs,
        int maxTagsPerVehicle,
        long maxListAgeMs,
        long readWindowMs,
        long suppressionMs,
        long openTimeoutMs,
        long gateTravelLimitMs,
        long confirmTimeoutMs,
        long referralTimeoutMs,
        long loopStuckMs,
        int loopChatterChanges,
        long loopChatterWindowMs,
        long readerHeartbeatTimeoutMs) {

    /** Distinct cards kept per transaction; more are counted, not kept (a bus, or a reader gone wild). */
    public static final int TAGS_PER_TRANSACTION_MAX = 64;
    /** Cards remembered for anti-passback; at 720 vehicles/h and 8 cards each, a 10-minute window needs 960. */
    public static final int RECENT_CARDS_MAX = 4096;
    /** A wall-clock jump against monotonic time at least this big is journaled as CLOCK_STEPPED. */
    public static final long CLOCK_STEP_MIN_MS = 2_000;

    public LaneSettings {
        Objects.requireNonNull(laneId, "laneId");
        Objects.requireNonNull(initialMode, "initialMode");
        acceptedPrograms = Set.copyOf(acceptedPrograms);
        if (initialMode == LaneMode.FAULT) {
            throw new IllegalArgumentException("a lane cannot start in FAULT");
        }
        if (maxTagsPerVehicle < 1 || maxTagsPerVehicle > TAGS_PER_TRANSACTION_MAX) {
            throw new IllegalArgumentException("maxTagsPerVehicle must be 1.." + TAGS_PER_TRANSACTION_MAX);
        }
        if (loopChatterChanges < 2) {
            throw new IllegalArgumentException("loopChatterChanges must be at least 2");
        }
    }

    /** The defaults of DESIGN §4 and §5; the config documents each (docs/configuration.md). */
    public static LaneSettings defaults(String laneId) {
        return new LaneSettings(
                laneId,
                LaneMode.AUTOMATED,
                true,
                true,
                Set.of("NEXUS"),
                false,
                0,
                0.0,
                false,
                60_000,
                8,
                24L * 3600 * 1000,
                1_500,
                1_000,
                15_000,
                4_000,
                10_000,
                300_000,
                600_000,
                10,
                2_000,
                5_000);
    }
}
