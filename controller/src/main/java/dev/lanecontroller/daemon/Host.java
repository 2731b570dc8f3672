package dev.lanecontroller.daemon;

import dev.lanecontroller.config.HardwareSettings;
import dev.lanecontroller.core.RandomSource;
import dev.lanecontroller.hal.gpio.GpioPins;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * What a lane takes from the machine it runs on, and nothing else: the only things a test may give
 * the daemon in place of a Raspberry Pi's.
 *
 * @param gpioPins opens the GPIO for a {@code gpio} lane; null for Pi4J's provider named in the config
 * @param console where the daemon tells a person what it does
 * @param clockSynced whether the wall clock is synchronised (NTP)
 * @param environment the process environment (systemd's NOTIFY_SOCKET, WATCHDOG_USEC)
 * @param softwareVersion the release, in the lane's status and events
 * @param wallClockMs the wall clock (events' times, list ages)
 * @param random the lane's random referrals' draws (cryptographic on a real lane, DESIGN §4)
 */
public record Host(Function<HardwareSettings, GpioPins> gpioPins, PrintStream console, BooleanSupplier clockSynced,
                   Map<String, String> environment, String softwareVersion, LongSupplier wallClockMs, RandomSource random) {
    /** systemd-timesyncd (and chrony with its hook) create this file once the clock is synchronised. */
    private static final Path CLOCK_SYNCED_FLAG = Path.of("/run/systemd/timesync/synchronized");

    /** The machine this process runs on. */
    public static Host system(String softwareVersion) {
        return new Host(null, System.out, () -> Files.exists(CLOCK_SYNCED_FLAG), System.getenv(), softwareVersion,
                System::currentTimeMillis, new SecureRandom()::nextDouble);
    }

    /** This machine with a quiet start: no systemd, the clock taken as synchronised, events to {@code console}. */
    public static Host forTests(PrintStream console) {
        return new Host(null, console, () -> true, Map.of(), "test", System::currentTimeMillis, new SecureRandom()::nextDouble);
    }

    /** The same with the GPIO opened by {@code gpioPins} (Pi4J's mock platform in tests). */
    public Host withGpioPins(Function<HardwareSettings, GpioPins> pins) {
        return new Host(pins, console, clockSynced, environment, softwareVersion, wallClockMs, random);
    }

    /** The same with another wall clock, clock-sync state and random source: a scenario's, replayed. */
    public Host withClock(LongSupplier wallClock, BooleanSupplier synced, RandomSource draws) {
        return new Host(gpioPins, console, synced, environment, softwareVersion, wallClock, draws);
    }
}
