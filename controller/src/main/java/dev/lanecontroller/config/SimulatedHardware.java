package dev.lanecontroller.config;

/**
 * The simulated lane's devices and its built-in traffic (hardware.kind = simulated).
 *
 * @param seed for the traffic generator; null means a fresh one each run
 * @param demoListCards cards put on a demo list when the store holds no list for an accepted program
 */
public record SimulatedHardware(
        long gateTravelMs,
        long readerHeartbeatIntervalMs,
        boolean trafficEnabled,
        double vehiclesPerHour,
        Long seed,
        int demoListCards) {}
