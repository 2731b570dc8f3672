package dev.lanecontroller.hal;

/** A command to the barrier gate's relays. */
public enum GateDirection {
    UP,
    DOWN
}
