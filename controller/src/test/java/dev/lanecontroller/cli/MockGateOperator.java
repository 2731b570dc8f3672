package dev.lanecontroller.cli;

import com.pi4j.context.Context;
import com.pi4j.io.gpio.digital.DigitalOutput;
import com.pi4j.io.gpio.digital.DigitalState;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalInput;
import dev.lanecontroller.hal.Scheduler;
import dev.lanecontroller.hal.gpio.Pi4jPins;

/** A barrier operator on Pi4J's mock pins: a pulse on gateOpen or gateClose moves the arm to that limit switch after its travel. */
final class MockGateOperator {
    private MockGateOperator() {}

    /** The arm starts down; active-high relays (on is HIGH). */
    static void attach(Context pi4j, Scheduler scheduler, long travelMs) {
        attach(pi4j, scheduler, travelMs, () -> false);
    }

    /** The same, with an arm that does not move while {@code jammed} says so. */
    static void attach(Context pi4j, Scheduler scheduler, long travelMs, java.util.function.BooleanSupplier jammed) {
        MockDigitalInput closedLimit = input(pi4j, "closedLimit");
        MockDigitalInput openLimit = input(pi4j, "openLimit");
        closedLimit.mockState(DigitalState.HIGH);
        pi4j.io("gateOpen", DigitalOutput.class).addListener(event -> {
            if (event.state() == DigitalState.HIGH && !jammed.getAsBoolean()) {
                scheduler.after(travelMs, () -> {
                    closedLimit.mockState(DigitalState.LOW);
                    openLimit.mockState(DigitalState.HIGH);
                });
            }
        });
        pi4j.io("gateClose", DigitalOutput.class).addListener(event -> {
            if (event.state() == DigitalState.HIGH && !jammed.getAsBoolean()) {
                scheduler.after(travelMs, () -> {
                    openLimit.mockState(DigitalState.LOW);
                    closedLimit.mockState(DigitalState.HIGH);
                });
            }
        });
    }

    static MockDigitalInput input(Context pi4j, String name) {
        return pi4j.io(Pi4jPins.pi4jId(name), MockDigitalInput.class);
    }
}
