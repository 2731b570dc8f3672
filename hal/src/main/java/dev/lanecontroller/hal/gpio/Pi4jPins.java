package dev.lanecontroller.hal.gpio;

import com.pi4j.context.Context;
import com.pi4j.io.gpio.digital.DigitalInput;
import com.pi4j.io.gpio.digital.DigitalOutput;
import com.pi4j.io.gpio.digital.DigitalState;
import com.pi4j.io.gpio.digital.PullResistance;
import java.util.function.Consumer;

/**
 * GPIO through Pi4J 2.8 (the last line for Java 17): the {@code gpiod} provider (no root, works on
 * the Raspberry Pi 5), or {@code linuxfs}, or the mock one in tests. Debounce is the drivers' own,
 * so the library's is left off.
 */
public final class Pi4jPins implements GpioPins {
    private final Context pi4j;
    private final String inputProvider;
    private final String outputProvider;

    /**
     * @param provider "gpiod", "linuxfs" or "mock": the Pi4J provider family
     */
    public Pi4jPins(Context pi4j, String provider) {
        this.pi4j = pi4j;
        this.inputProvider = provider + "-digital-input";
        this.outputProvider = provider + "-digital-output";
    }

    @Override
    public Output output(String name, PinSpec pin, boolean initialHigh) {
        DigitalState initial = initialHigh ? DigitalState.HIGH : DigitalState.LOW;
        DigitalOutput output = pi4j.create(DigitalOutput.newConfigBuilder(pi4j).id(pi4jId(name)).name(name).address(pin.bcm())
                .initial(initial).shutdown(initial).provider(outputProvider));
        return high -> output.state(high ? DigitalState.HIGH : DigitalState.LOW);
    }

    @Override
    public Input input(String name, PinSpec pin, Consumer<Boolean> onChange) {
        PullResistance pull = switch (pin.pull()) {
            case UP -> PullResistance.PULL_UP;
            case DOWN -> PullResistance.PULL_DOWN;
            case OFF -> PullResistance.OFF;
        };
        DigitalInput input = pi4j.create(DigitalInput.newConfigBuilder(pi4j).id(pi4jId(name)).name(name).address(pin.bcm()).pull(pull)
                .provider(inputProvider));
        input.addListener(event -> onChange.accept(event.state() == DigitalState.HIGH));
        return input::isHigh;
    }

    /** Pi4J ids are letters, digits, '-' and '_': "lamp.STOP" is "lamp-STOP" there. */
    public static String pi4jId(String name) {
        return name.replace('.', '-');
    }

    @Override
    public void close() {
        pi4j.shutdown();
    }
}
