package dev.lanecontroller.core;

/**
 * The clearance list in force for one program.
 *
 * @param expiresWallMs the signed expiry (UTC ms); {@link Long#MAX_VALUE} when the list names none
 *     (maxListAge still applies)
 */
public record ListInfo(String program, long version, long issuedWallMs, long expiresWallMs, long entryCount) {
    public static final long NO_EXPIRY = Long.MAX_VALUE;

    /**
     * A list signed this long after the lane's clock says it is now proves that clock is behind
     * (a Pi without a real-time clock boots at its last saved time). Judged by a clock that is
     * behind, expired cards would look valid, so such a list is not fresh until the clock catches up.
     */
    public static final long ISSUED_AHEAD_TOLERANCE_MS = 10 * 60_000;

    /**
     * Fresh: not past its signed expiry, not older than {@code maxListAgeMs} (DESIGN §4), and not
     * issued in the lane's future beyond {@link #ISSUED_AHEAD_TOLERANCE_MS}.
     */
    public boolean isFreshAt(long wallMs, long maxListAgeMs) {
        return wallMs < expiresWallMs && wallMs - issuedWallMs <= maxListAgeMs && issuedWallMs - wallMs <= ISSUED_AHEAD_TOLERANCE_MS;
    }
}
