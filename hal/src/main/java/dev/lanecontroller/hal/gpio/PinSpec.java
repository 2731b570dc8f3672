package dev.lanecontroller.hal.gpio;

/**
 * One wire on the Raspberry Pi's header.
 *
 * @param bcm the BCM GPIO number (not the header pin number)
 * @param activeLow the logical "on" (occupied, lit, energised) is a low level: relays boards that
 *     switch on low, normally-closed contacts with a pull-up
 * @param pull the input's pull resistor (ignored for outputs)
 * @param debounceMs an input change counts once it has held this long (ignored for outputs)
 */
public record PinSpec(int bcm, boolean activeLow, Pull pull, long debounceMs) {
    public enum Pull { UP, DOWN, OFF }

    /** GPIO 0 and 1 are the HAT ID EEPROM's I2C; 2-27 are free on a Raspberry Pi 4 or 5's 40-pin header. */
    public static final int BCM_MIN = 2;
    public static final int BCM_MAX = 27;
    public static final long DEBOUNCE_MS_MAX = 5_000;

    public static PinSpec output(int bcm, boolean activeLow) {
        return new PinSpec(bcm, activeLow, Pull.OFF, 0);
    }

    public static PinSpec input(int bcm, boolean activeLow, Pull pull, long debounceMs) {
        return new PinSpec(bcm, activeLow, pull, debounceMs);
    }
}
