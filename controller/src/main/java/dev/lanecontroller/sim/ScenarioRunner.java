package dev.lanecontroller.sim;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lanecontroller.core.Now;
import dev.lanecontroller.hal.GateDirection;
import dev.lanecontroller.hal.SignalAspect;
import dev.lanecontroller.shell.LaneObserver;
import dev.lanecontroller.store.JournalEntry;
import dev.lanecontroller.store.MemoryClearance;
import dev.lanecontroller.store.MemoryJournal;
import java.io.PrintStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs a scenario in virtual time and prints, one JSON object per line, every journal event and
 * every signal and gate command with its virtual time. Same scenario and seed, same bytes.
 */
public final class ScenarioRunner {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The outcome of a run: decision outcomes in order, and whether they met the scenario's expectations. */
    public record Result(List<String> decisions, long events, boolean expectationsMet) {}

    private ScenarioRunner() {}

    public static Result run(Scenario scenario, long seed, PrintStream out) {
        MemoryClearance clearance = new MemoryClearance();
        scenario.lists().forEach(list -> clearance.put(list.info(), list.cards()));
        List<String> decisions = new ArrayList<>();
        long[] events = {0};
        Simulation[] simulation = new Simulation[1];
        LaneObserver printer = new LaneObserver() {
            @Override
            public void onEvent(JournalEntry entry) {
                events[0]++;
                ObjectNode line = JSON.createObjectNode();
                line.put("t", entry.monoMs() - Simulation.START_MONO_MS);
                line.put("kind", "event");
                line.put("seq", entry.seq());
                line.put("type", entry.type());
                line.put("wallTime", Instant.ofEpochMilli(entry.wallMs()).toString());
                line.put("clockSynced", entry.clockSynced());
                try {
                    line.set("details", JSON.readTree(entry.payloadJson()));
                } catch (JsonProcessingException e) {
                    throw new IllegalStateException("the journal wrote a payload it cannot read back", e);
                }
                line.put("hash", entry.hash());
                if (entry.type().equals("DECISION")) {
                    decisions.add(line.get("details").get("outcome").asText());
                }
                out.println(line);
            }

            @Override
            public void onSignal(SignalAspect aspect, Now at) {
                out.println("{\"t\":" + (at.monoMs() - Simulation.START_MONO_MS) + ",\"kind\":\"signal\",\"aspect\":\"" + aspect + "\"}");
            }

            @Override
            public void onGate(GateDirection direction, Now at) {
                out.println("{\"t\":" + (at.monoMs() - Simulation.START_MONO_MS) + ",\"kind\":\"gate\",\"command\":\"" + direction + "\"}");
            }
        };
        simulation[0] = new Simulation(scenario.setup(), scenario.gateTravelMs(), scenario.readerHeartbeatIntervalMs(), clearance,
                new MemoryJournal("sim-" + seed), scenario.startWallMs(), scenario.clockSynced(), seed, 0.0, printer);
        Simulation sim = simulation[0];
        for (Scenario.Step step : scenario.steps()) {
            sim.scheduler.at(Simulation.START_MONO_MS + step.atMs(), () -> step.action().accept(sim));
        }
        sim.runUntil(scenario.runForMs());
        boolean met = scenario.expectedDecisions().isEmpty() || scenario.expectedDecisions().equals(decisions);
        return new Result(List.copyOf(decisions), events[0], met);
    }
}
