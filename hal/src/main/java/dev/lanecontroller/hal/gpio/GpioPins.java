package dev.lanecontroller.hal.gpio;

import java.util.function.Consumer;

/**
 * The seam between the lane's GPIO drivers and the GPIO library: raw levels in and out, logical
 * sense and debounce are the drivers'. {@link Pi4jPins} is the real one.
 */
public interface GpioPins extends AutoCloseable {
    interface Output {
        void set(boolean high);
    }

    interface Input {
        boolean high();
    }

    /** An output, driven to {@code initialHigh} at once and back to it when the pins close. */
    Output output(String name, PinSpec pin, boolean initialHigh);

    /** An input; {@code onChange} gets the raw level on every change, from the library's thread. */
    Input input(String name, PinSpec pin, Consumer<Boolean> onChange);

    @Override
    void close();
}
