package dev.lanecontroller.hal;

import java.util.function.Consumer;

/** An inductive loop or photo-eye: reports occupied (true) or clear (false) on every change. */
public interface PresenceDetector {
    LoopId id();

    void onChange(Consumer<Boolean> occupiedListener);
}
