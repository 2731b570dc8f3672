package dev.lanecontroller.cli;

import dev.lanecontroller.config.ConfigException;
import dev.lanecontroller.config.ConfigLoader;
import dev.lanecontroller.config.LaneConfig;
import java.nio.file.Path;

/** The commands that take a lane config load it the same way: every problem printed, exit 2. */
final class ConfigFile {
    static final int BAD_CONFIG_EXIT = 2;

    private ConfigFile() {}

    /** The config, or null after printing its problems to stderr. */
    static LaneConfig loadOrReport(Path file) {
        try {
            return ConfigLoader.load(file);
        } catch (ConfigException e) {
            System.err.println(e.getMessage());
            return null;
        }
    }
}
