package dev.lanecontroller.core;

/** Where the lane is in its vehicle cycle (DESIGN §5). */
public sealed interface Phase {
    /** No vehicle: STOP, gate down. */
    record Idle() implements Phase {}

    /** A transaction's read window is open. */
    record Collecting(Transaction transaction) implements Phase {}

    /** Cleared, waiting for the officer's confirm (officer-confirm mode). */
    record AwaitingConfirm(long transactionId, long sinceMs) implements Phase {}

    /** Referred: REFER shown, gate down, until an officer releases the vehicle. */
    record Referred(long transactionId, long sinceMs) implements Phase {}

    /**
     * Cleared, confirmed or released, but something is on the safety loop (a vehicle stopped under
     * the arm, a loop stuck occupied): the lane opens for one vehicle only when it can see that
     * vehicle arrive on a clear loop, so STOP is held until the loop clears, within the open timeout.
     */
    record WaitingForClearLoop(long transactionId, boolean released, long sinceMs) implements Phase {}

    /**
     * The gate is open for one vehicle (cleared or released). {@code safetyClearedAtMs} is when the
     * safety loop last cleared after the vehicle reached it.
     */
    record Passage(long transactionId, boolean released, long openedAtMs, boolean sawSafety, boolean sawExit,
                   long safetyClearedAtMs) implements Phase {}

    /**
     * The vehicle is through ({@code vehicleCrossed}) or its passage ended without it (abandoned, a
     * fault): STOP, gate coming down as soon as the safety loop allows.
     */
    record Closing(long transactionId, boolean vehicleCrossed) implements Phase {}
}
