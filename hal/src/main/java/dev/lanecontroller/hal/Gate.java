package dev.lanecontroller.hal;

import java.util.function.Consumer;

/** The barrier gate: two relays (up, down) and two limit switches (open, closed). */
public interface Gate {
    void move(GateDirection direction);

    /** Called when the arm reaches a limit switch. */
    void onLimitReached(Consumer<GateLimit> listener);
}
