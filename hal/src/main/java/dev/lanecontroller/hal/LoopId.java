package dev.lanecontroller.hal;

/** The presence detectors of a lane, in the order a vehicle meets them. */
public enum LoopId {
    /** Before the gate: a vehicle arriving opens a transaction. */
    ARMING,
    /** Under the arm (loop or photo-eye): the gate must never come down on it. */
    SAFETY,
    /** After the gate: the vehicle has crossed. */
    EXIT
}
