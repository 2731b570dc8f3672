package dev.lanecontroller.config;

import dev.lanecontroller.core.LaneSettings;
import dev.lanecontroller.hal.ReadFilter;
import java.nio.file.Path;

/** The whole configuration of one lane, checked. */
public record LaneConfig(
        LaneSettings settings,
        ReadFilter readFilter,
        Path storagePath,
        int retentionDays,
        HardwareSettings hardware,
        SimulatedHardware simulated,
        CentralSettings central,
        HealthSettings health) {

    /** The central link is optional: without it the lane runs alone and its outbox waits. */
    public boolean hasCentral() {
        return central != null;
    }
}
