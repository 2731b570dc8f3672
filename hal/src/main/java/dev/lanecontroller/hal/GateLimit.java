package dev.lanecontroller.hal;

/** A limit switch of the gate that has just been reached. */
public enum GateLimit {
    OPEN,
    CLOSED
}
