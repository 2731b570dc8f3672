package dev.lanecontroller.config;

import dev.lanecontroller.core.LaneSettings;
import dev.lanecontroller.hal.ReadFilter;

/** The part of a config that a scenario can set too: the lane's policy and timings, and its read filter. */
public record LaneSetup(LaneSettings settings, ReadFilter readFilter) {}
