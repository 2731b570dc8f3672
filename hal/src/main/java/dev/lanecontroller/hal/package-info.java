/**
 * Hardware ports of a lane, named after lane things, and nothing of lane policy.
 *
 * <p>Outputs ({@link dev.lanecontroller.hal.LaneSignal}, {@link dev.lanecontroller.hal.Gate}) take
 * commands; inputs report through listeners. Listeners may be called from any thread, so whoever
 * subscribes must only enqueue (DESIGN §3). Drivers live in sub-packages: {@code sim} for the
 * simulated lane; real drivers come with their own packages.
 */
package dev.lanecontroller.hal;
