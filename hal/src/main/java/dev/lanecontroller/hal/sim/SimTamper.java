package dev.lanecontroller.hal.sim;

import dev.lanecontroller.hal.Listeners;
import dev.lanecontroller.hal.TamperInput;
import java.util.function.Consumer;

/** The cabinet door switch, set by the simulation. An open door is reported at once to a new subscriber, as the GPIO lane does. */
public final class SimTamper implements TamperInput {
    private final Listeners<Boolean> listeners = new Listeners<>();
    private boolean tampered;

    @Override
    public void onChange(Consumer<Boolean> tamperedListener) {
        listeners.add(tamperedListener);
        boolean open;
        synchronized (this) {
            open = tampered;
        }
        if (open) {
            tamperedListener.accept(true); // a lane restarted with the door open must know
        }
    }

    public void set(boolean nowTampered) {
        synchronized (this) {
            tampered = nowTampered;
        }
        listeners.notifyAll(nowTampered);
    }
}
