package dev.lanecontroller.hal;

/** What the lane-use signal shows. Exactly one aspect is lit at a time, by construction of the port. */
public enum SignalAspect {
    /** Steady red X: do not enter, or stop. Also the safe state at start and shutdown. */
    STOP,
    /** Steady green arrow: proceed through the open gate. */
    PROCEED,
    /** Refer indication: proceed to secondary inspection when released. */
    REFER,
    /** Yellow X: the lane is closing, leave it. */
    CLOSING
}
