package dev.lanecontroller.hal;

import java.util.function.Consumer;

/** The cabinet door switch or enclosure tamper contact: true when tampered (door open). */
public interface TamperInput {
    void onChange(Consumer<Boolean> tamperedListener);
}
