package dev.lanecontroller.core;

/** A broken safety invariant (DESIGN §5): a programming error, never a result of bad input. */
public final class SafetyViolation extends AssertionError {
    private static final long serialVersionUID = 1L;

    public SafetyViolation(int invariant, String what) {
        super("safety invariant " + invariant + " broken: " + what);
    }
}
