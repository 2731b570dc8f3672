package dev.lanecontroller.hal.sim;

import dev.lanecontroller.hal.Listeners;
import dev.lanecontroller.hal.TamperInput;
import java.util.function.Consumer;

/** The cabinet door switch, set by the simulation. */
public final class SimTamper implements TamperInput {
    private final Listeners<Boolean> listeners = new Listeners<>();

    @Override
    public void onChange(Consumer<Boolean> tamperedListener) {
        listeners.add(tamperedListener);
    }

    public void set(boolean tampered) {
        listeners.notifyAll(tampered);
    }
}
