package dev.lanecontroller.core;

/** How the lane is run. Only AUTOMATED clears vehicles; FAULT is entered by the lane itself and latched. */
public enum LaneMode {
    AUTOMATED,
    MANUAL,
    CLOSED,
    MAINTENANCE,
    FAULT
}
