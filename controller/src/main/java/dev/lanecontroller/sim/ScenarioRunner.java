package dev.lanecontroller.sim;

import dev.lanecontroller.core.LaneEvent;
import dev.lanecontroller.core.LaneMode;
import dev.lanecontroller.core.Now;
import dev.lanecontroller.hal.GateDirection;
import dev.lanecontroller.hal.SignalAspect;
import dev.lanecontroller.store.JournalEntry;
import dev.lanecontroller.shell.LaneObserver;
import dev.lanecontroller.store.MemoryClearance;
import dev.lanecontroller.store.MemoryJournal;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Runs a scenario in virtual time and prints it as {@link JsonLines}. Same scenario and seed, same bytes.
 */
public final class ScenarioRunner {
    /** The outcome of a run: decision outcomes in order, and each expectation of the scenario that did not hold. */
    public record Result(List<String> decisions, long events, List<String> unmet) {
        public boolean expectationsMet() {
            return unmet.isEmpty();
        }
    }

    private ScenarioRunner() {}

    public static Result run(Scenario scenario, long seed, PrintStream out) {
        MemoryClearance clearance = new MemoryClearance();
        scenario.lists().forEach(list -> clearance.put(list.info(), list.cards()));
        List<String> decisions = new ArrayList<>();
        Map<String, Integer> eventCounts = new TreeMap<>();
        List<Long> gateCommandsAtMs = new ArrayList<>();
        long[] events = {0};
        JsonLines lines = new JsonLines(out);
        ScenarioCentral[] central = new ScenarioCentral[1]; // made once the simulation is, and told of the lane's events
        LaneObserver observer = lines.andThen(new LaneObserver() {
            @Override
            public void onEvent(JournalEntry entry) {
                if (central[0] != null) {
                    central[0].onLaneEvent(entry);
                }
                events[0]++;
                eventCounts.merge(entry.type(), 1, Integer::sum);
                if (entry.event() instanceof LaneEvent.DecisionMade decision) {
                    decisions.add(decision.outcome());
                }
            }

            @Override
            public void onSignal(SignalAspect aspect, Now at) {
                // Not expected on.
            }

            @Override
            public void onGate(GateDirection direction, Now at) {
                gateCommandsAtMs.add(at.monoMs() - Simulation.START_MONO_MS);
            }
        });
        MemoryJournal journal = new MemoryJournal("sim-" + seed);
        Simulation sim = new Simulation(scenario.setup(), scenario.gateTravelMs(), scenario.readerHeartbeatIntervalMs(), scenario.photoEye(),
                clearance, journal, scenario.startWallMs(), scenario.clockSynced(), seed, 0.0, observer);
        lines.watchInputs(sim);
        if (scenario.central() != null) {
            String laneId = scenario.setup().settings().laneId();
            central[0] = new ScenarioCentral(sim, laneId, scenario.central().trustedKeys(), scenario.central().strangerKeys(),
                    scenario.central().commandMaxAgeMs(), seed, journal, observer, out);
            sim.attachCentral(command -> central[0].send(sim, command, laneId));
        }
        for (Scenario.Step step : scenario.steps()) {
            sim.scheduler.at(Simulation.START_MONO_MS + step.atMs(), () -> step.action().accept(sim));
        }
        try {
            sim.runUntil(scenario.runForMs());
        } finally {
            if (central[0] != null) {
                central[0].close();
            }
        }
        return new Result(List.copyOf(decisions), events[0], unmet(scenario.expect(), decisions, eventCounts, gateCommandsAtMs,
                sim.shell().state().mode()));
    }

    private static List<String> unmet(Scenario.Expectations expect, List<String> decisions, Map<String, Integer> eventCounts,
                                      List<Long> gateCommandsAtMs, LaneMode modeAtEnd) {
        List<String> unmet = new ArrayList<>();
        if (!expect.decisions().isEmpty() && !expect.decisions().equals(decisions)) {
            unmet.add("expected decisions " + expect.decisions() + " but got " + decisions);
        }
        expect.eventCounts().forEach((type, count) -> {
            int seen = eventCounts.getOrDefault(type, 0);
            if (seen != count) {
                unmet.add("expected " + count + " " + type + " event(s) but got " + seen);
            }
        });
        if (expect.modeAtEnd() != null && expect.modeAtEnd() != modeAtEnd) {
            unmet.add("expected the lane in " + expect.modeAtEnd() + " at the end but it is in " + modeAtEnd);
        }
        for (long[] window : expect.gateStillMs()) {
            List<Long> moved = gateCommandsAtMs.stream().filter(at -> at >= window[0] && at <= window[1]).toList();
            if (!moved.isEmpty()) {
                unmet.add("expected no gate command from " + window[0] + " to " + window[1] + " ms but the gate was commanded at " + moved);
            }
        }
        return unmet;
    }
}
