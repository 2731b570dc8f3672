/**
 * A simulated lane: devices that behave like the real ones in time (a gate takes its travel time,
 * a reader beats its heartbeat) and take injected faults, driven by a {@link
 * dev.lanecontroller.hal.Scheduler} that is virtual in tests and simulations, real-time in the demo
 * daemon. Devices never call a listener from inside a command: every report comes from a scheduled
 * task or a test's own call, so a caller that processes reports synchronously never re-enters.
 */
package dev.lanecontroller.hal.sim;
