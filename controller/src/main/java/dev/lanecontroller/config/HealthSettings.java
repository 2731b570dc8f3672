package dev.lanecontroller.config;

/**
 * The daemon's HTTP endpoint: health, metrics and the lane monitor (the {@code health} section;
 * docs/configuration.md, docs/monitor.md). {@code technicianCredential} null: no login, which the
 * loader allows only on a loopback bind.
 */
public record HealthSettings(boolean enabled, String host, int port, dev.lanecontroller.monitor.TechnicianCredential technicianCredential) {}
