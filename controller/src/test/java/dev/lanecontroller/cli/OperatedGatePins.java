package dev.lanecontroller.cli;

import com.pi4j.context.Context;
import com.pi4j.io.gpio.digital.DigitalState;
import dev.lanecontroller.hal.Scheduler;
import dev.lanecontroller.hal.gpio.GpioPins;
import dev.lanecontroller.hal.gpio.PinSpec;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Pi4J's mock pins with a barrier operator behind the gate relays, for a daemon that opens its own
 * pins: the arm starts down (closed limit on), and a pulse on gateOpen or gateClose moves it to that
 * limit after its travel. Open pulses are counted.
 */
final class OperatedGatePins implements GpioPins {
    private final GpioPins pins;
    private final Context pi4j;
    private final Scheduler scheduler;
    private final long travelMs;
    private final AtomicInteger openPulses;

    OperatedGatePins(GpioPins pins, Context pi4j, Scheduler scheduler, long travelMs, AtomicInteger openPulses) {
        this.pins = pins;
        this.pi4j = pi4j;
        this.scheduler = scheduler;
        this.travelMs = travelMs;
        this.openPulses = openPulses;
    }

    @Override
    public Output output(String name, PinSpec pin, boolean initialHigh) {
        Output output = pins.output(name, pin, initialHigh);
        boolean opens = name.equals("gateOpen");
        boolean closes = name.equals("gateClose");
        if (!opens && !closes) {
            return output;
        }
        return high -> {
            output.set(high);
            if (high) {
                if (opens) {
                    openPulses.incrementAndGet();
                }
                scheduler.after(travelMs, () -> {
                    MockGateOperator.input(pi4j, opens ? "closedLimit" : "openLimit").mockState(DigitalState.LOW);
                    MockGateOperator.input(pi4j, opens ? "openLimit" : "closedLimit").mockState(DigitalState.HIGH);
                });
            }
        };
    }

    @Override
    public Input input(String name, PinSpec pin, Consumer<Boolean> onChange) {
        Input input = pins.input(name, pin, onChange);
        if (name.equals("closedLimit")) {
            MockGateOperator.input(pi4j, name).mockState(DigitalState.HIGH);
        }
        return input;
    }

    @Override
    public void close() {
        pins.close();
    }
}
