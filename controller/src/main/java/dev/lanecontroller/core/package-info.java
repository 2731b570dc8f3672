/**
 * The lane core: a pure state machine (DESIGN §3). {@link dev.lanecontroller.core.Lane#step} takes
 * the state, one input and the time, and returns the next state and the actions to perform, in
 * order. Nothing here reads a clock, a file, a socket or a random source except through its
 * arguments; every decision rule (DESIGN §4) and every safety interlock (DESIGN §5) lives here.
 */
package dev.lanecontroller.core;
