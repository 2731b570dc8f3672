package dev.lanecontroller.sim;

import dev.lanecontroller.core.LaneEvent;
import dev.lanecontroller.shell.LaneObserver;
import dev.lanecontroller.store.MemoryClearance;
import dev.lanecontroller.store.MemoryJournal;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs a scenario in virtual time and prints it as {@link JsonLines}. Same scenario and seed, same bytes.
 */
public final class ScenarioRunner {
    /** The outcome of a run: decision outcomes in order, and whether they met the scenario's expectations. */
    public record Result(List<String> decisions, long events, boolean expectationsMet) {}

    private ScenarioRunner() {}

    public static Result run(Scenario scenario, long seed, PrintStream out) {
        MemoryClearance clearance = new MemoryClearance();
        scenario.lists().forEach(list -> clearance.put(list.info(), list.cards()));
        List<String> decisions = new ArrayList<>();
        long[] events = {0};
        JsonLines lines = new JsonLines(out);
        LaneObserver observer = lines.alsoOnEvent(entry -> {
            events[0]++;
            if (entry.event() instanceof LaneEvent.DecisionMade decision) {
                decisions.add(decision.outcome());
            }
        });
        Simulation sim = new Simulation(scenario.setup(), scenario.gateTravelMs(), scenario.readerHeartbeatIntervalMs(), clearance,
                new MemoryJournal("sim-" + seed), scenario.startWallMs(), scenario.clockSynced(), seed, 0.0, observer);
        lines.watchInputs(sim);
        for (Scenario.Step step : scenario.steps()) {
            sim.scheduler.at(Simulation.START_MONO_MS + step.atMs(), () -> step.action().accept(sim));
        }
        sim.runUntil(scenario.runForMs());
        boolean met = scenario.expectedDecisions().isEmpty() || scenario.expectedDecisions().equals(decisions);
        return new Result(List.copyOf(decisions), events[0], met);
    }
}
