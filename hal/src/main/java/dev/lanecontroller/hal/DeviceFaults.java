package dev.lanecontroller.hal;

import java.util.function.Consumer;

/**
 * Faults a driver finds in its own wiring (an output whose feedback disagrees, a safety sensor
 * that failed its check, a reader that stopped making sense). The lane goes to FAULT on each.
 */
public interface DeviceFaults {
    /** No driver that can find faults of its own (the simulated lane: faults are injected there). */
    DeviceFaults NONE = listener -> { };

    record Fault(String component, String detail) {}

    void onFault(Consumer<Fault> listener);
}
