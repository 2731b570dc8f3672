package dev.lanecontroller.cli;

import dev.lanecontroller.daemon.LaneDevices;
import dev.lanecontroller.config.HardwareSettings;
import dev.lanecontroller.config.LaneConfig;
import dev.lanecontroller.hal.RealTimeScheduler;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "selftest", description = "Checks the lane's wiring, reader and camera at the lane, with a technician (stop the service first).")
final class SelftestCommand implements Callable<Integer> {
    @Option(names = "--config", required = true, paramLabel = "FILE", description = "the lane config (YAML)")
    Path configFile;

    @Option(names = "--yes", description = "drive every output without asking (lamps with feedback are checked by it)")
    boolean yes;

    @Option(names = "--step-ms", defaultValue = "1500", description = "how long each lamp is lit (default: ${DEFAULT-VALUE})")
    long stepMs;

    @Option(names = "--gate-timeout-ms", defaultValue = "15000", description = "how long the gate has to reach a limit (default: ${DEFAULT-VALUE})")
    long gateTimeoutMs;

    @Override
    public Integer call() throws InterruptedException {
        LaneConfig config = ConfigFile.loadOrReport(configFile);
        if (config == null) {
            return ConfigFile.BAD_CONFIG_EXIT;
        }
        if (config.hardware().kind() != HardwareSettings.Kind.GPIO) {
            System.err.println(configFile + ": hardware.kind is simulated: there is no wiring to test");
            return 2;
        }
        try (RealTimeScheduler scheduler = new RealTimeScheduler();
             LaneDevices devices = LaneDevices.open(config.hardware(), scheduler)) {
            Selftest test = new Selftest(devices, new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)), System.out,
                    yes, stepMs, gateTimeoutMs);
            test.run();
            return test.passed() ? 0 : 1;
        } catch (IOException | RuntimeException e) {
            System.err.println("selftest: " + e.getMessage() + " (is the service still running? systemctl stop lane-controller)");
            return 2;
        }
    }
}
