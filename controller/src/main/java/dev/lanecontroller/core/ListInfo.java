package dev.lanecontroller.core;

/**
 * The clearance list in force for one program.
 *
 * @param expiresWallMs the signed expiry (UTC ms); {@link Long#MAX_VALUE} when the list names none
 *     (maxListAge still applies)
 */
public record ListInfo(String program, long version, long issuedWallMs, long expiresWallMs, long entryCount) {
    public static final long NO_EXPIRY = Long.MAX_VALUE;

    /** Fresh: not past its signed expiry and not older than {@code maxListAgeMs} (DESIGN §4). */
    public boolean isFreshAt(long wallMs, long maxListAgeMs) {
        return wallMs < expiresWallMs && wallMs - issuedWallMs <= maxListAgeMs;
    }
}
