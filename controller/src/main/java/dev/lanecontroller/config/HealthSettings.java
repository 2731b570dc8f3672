package dev.lanecontroller.config;

/** The local health and metrics endpoint (the {@code health} section; docs/configuration.md). */
public record HealthSettings(boolean enabled, String host, int port) {}
