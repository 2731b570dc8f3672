package dev.lanecontroller.hal;

/** The lane-use signal head. One call replaces whatever aspect was lit before. */
public interface LaneSignal {
    void show(SignalAspect aspect);
}
