package dev.lanecontroller.cli;

import dev.lanecontroller.config.HardwareSettings;
import dev.lanecontroller.config.LaneConfig;
import dev.lanecontroller.daemon.Host;
import dev.lanecontroller.daemon.LaneDaemon;
import dev.lanecontroller.hal.gpio.GpioPins;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "run", description = "Runs the lane daemon until stopped (SIGTERM or Ctrl-C).")
final class RunCommand implements Callable<Integer> {
    /** A clean stop (LANE_STOPPED journaled, outputs safe, central told) finishes well within this. */
    private static final long STOP_TIMEOUT_MS = 10_000;
    /**
     * Hardware that did not open may be there on the next try; exit 2 (a bad config, keys, another
     * daemon) never is: the unit restarts on this one and not on that (RestartPreventExitStatus=2).
     */
    static final int HARDWARE_NOT_READY_EXIT = 3;

    private final Host host;
    /** Counted down to stop the daemon as SIGTERM does. */
    private final CountDownLatch stopped = new CountDownLatch(1);

    @Option(names = "--config", required = true, paramLabel = "FILE", description = "the lane config (YAML)")
    Path configFile;

    @Option(names = "--for", paramLabel = "SECONDS", description = "stop by itself after this long (default: run until stopped)")
    Long forSeconds;

    RunCommand() {
        this(Host.system(Main.softwareVersion()));
    }

    /** On {@code host}: tests give the daemon the GPIO pins of Pi4J's mock platform ({@link Host#withGpioPins}). */
    RunCommand(Host host) {
        this.host = host;
    }

    /** The same on the GPIO pins {@code gpioPins} opens, on this machine otherwise. */
    RunCommand(Function<HardwareSettings, GpioPins> gpioPins) {
        this(Host.system(Main.softwareVersion()).withGpioPins(gpioPins));
    }

    /** What SIGTERM does: the daemon stops cleanly. */
    void stop() {
        stopped.countDown();
    }

    @Override
    public Integer call() throws InterruptedException {
        LaneConfig config = ConfigFile.loadOrReport(configFile);
        if (config == null) {
            return ConfigFile.BAD_CONFIG_EXIT;
        }
        LaneDaemon daemon;
        try {
            daemon = LaneDaemon.start(config, host);
        } catch (LaneDaemon.StartFailure e) {
            System.err.println(e.getMessage());
            return e.mayClear() ? HARDWARE_NOT_READY_EXIT : ConfigFile.BAD_CONFIG_EXIT;
        }
        // SIGTERM/Ctrl-C: the JVM exits when the hook returns, so the hook waits for the clean stop below.
        Thread hook = new Thread(() -> {
            stopped.countDown();
            try {
                daemon.awaitStopped(STOP_TIMEOUT_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        boolean selfStopped;
        try {
            selfStopped = forSeconds == null ? waitForever(daemon) : !stopped.await(forSeconds, TimeUnit.SECONDS);
        } finally {
            daemon.close();
        }
        if (selfStopped) {
            Runtime.getRuntime().removeShutdownHook(hook);
        }
        return daemon.stop();
    }

    /** Until SIGTERM (false), or until the lane thread ends by itself (true). */
    private boolean waitForever(LaneDaemon daemon) throws InterruptedException {
        while (!stopped.await(1, TimeUnit.SECONDS)) {
            if (!daemon.laneAlive()) {
                return true;
            }
        }
        return false;
    }
}
