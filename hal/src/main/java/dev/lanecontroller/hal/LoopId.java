package dev.lanecontroller.hal;

/** The presence detectors of a lane, in the order a vehicle meets them. */
public enum LoopId {
    /** Before the gate: a vehicle arriving opens a transaction. */
    ARMING,
    /** Under the arm (loop or photo-eye): the gate must never come down on it. */
    SAFETY,
    /** After the gate: the vehicle has crossed. */
    EXIT,
    /**
     * A photo-eye across the lane at the arm, beside the safety loop: it sees what a loop cannot (a
     * person, a bicycle, a trailer's drawbar). The arm never comes down while either is occupied;
     * vehicles are counted on the loops alone. Optional.
     */
    PHOTO_EYE
}
