package dev.lanecontroller.hal.sim;

import dev.lanecontroller.hal.LaneSignal;
import dev.lanecontroller.hal.SignalAspect;

/** A signal head that remembers what it shows, so simulated drivers can look at it. */
public final class SimSignal implements LaneSignal {
    private volatile SignalAspect aspect = SignalAspect.STOP;

    @Override
    public void show(SignalAspect aspect) {
        this.aspect = aspect;
    }

    public SignalAspect aspect() {
        return aspect;
    }
}
