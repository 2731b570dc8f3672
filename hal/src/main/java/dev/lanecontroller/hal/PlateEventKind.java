package dev.lanecontroller.hal;

/** How a camera labels a plate report: first sight, a revised reading, or the plate gone from view. */
public enum PlateEventKind {
    NEW,
    UPDATE,
    LOST
}
