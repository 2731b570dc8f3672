package dev.lanecontroller.core;

/**
 * The time of an input: monotonic milliseconds for every timeout and ordering, wall-clock
 * milliseconds (UTC) for expiry checks and for the record, and whether the wall clock is known to
 * be synchronised.
 */
public record Now(long monoMs, long wallMs, boolean clockSynced) {}
