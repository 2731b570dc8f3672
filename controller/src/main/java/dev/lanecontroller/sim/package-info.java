/**
 * Simulation: vehicles that drive through a simulated lane (reading the signal and the gate like a
 * driver), officers and technicians who answer it, scenario files, and the virtual-time harness
 * that runs a day of traffic in seconds and replays exactly from its seed.
 */
package dev.lanecontroller.sim;
