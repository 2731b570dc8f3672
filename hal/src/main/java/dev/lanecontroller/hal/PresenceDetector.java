package dev.lanecontroller.hal;

import java.util.function.Consumer;

/**
 * An inductive loop or photo-eye: reports occupied (true) or clear (false) on every change, and
 * occupied at once to a new subscriber when it is (a lane started over a vehicle must know).
 */
public interface PresenceDetector {
    LoopId id();

    void onChange(Consumer<Boolean> occupiedListener);
}
