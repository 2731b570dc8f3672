package dev.lanecontroller.cli;

import dev.lanecontroller.config.ConfigException;
import dev.lanecontroller.config.ConfigLoader;
import dev.lanecontroller.config.LaneConfig;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "check-config", description = "Checks a config file and reports every problem, each with its key (exit 2).")
final class CheckConfigCommand implements Callable<Integer> {
    @Parameters(paramLabel = "FILE", description = "the lane config (YAML)")
    Path file;

    @Override
    public Integer call() {
        try {
            LaneConfig config = ConfigLoader.load(file);
            System.out.println(file + ": ok (lane " + config.settings().laneId() + ", programs " + config.settings().acceptedPrograms()
                    + ", storage " + config.storagePath() + ")");
            return 0;
        } catch (ConfigException e) {
            System.err.println(e.getMessage());
            return 2;
        }
    }
}
