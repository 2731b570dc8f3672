/**
 * The imperative shell around the lane core (DESIGN §3): hardware callbacks become inputs in a
 * bounded inbox; one lane thread takes them, calls {@link dev.lanecontroller.core.Lane#step}, and
 * performs the actions in order: events into the journal (durable) before any output moves.
 */
package dev.lanecontroller.shell;
