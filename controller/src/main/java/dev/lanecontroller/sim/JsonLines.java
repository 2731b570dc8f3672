package dev.lanecontroller.sim;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lanecontroller.core.Now;
import dev.lanecontroller.hal.GateDirection;
import dev.lanecontroller.hal.LoopId;
import dev.lanecontroller.hal.SignalAspect;
import dev.lanecontroller.shell.LaneObserver;
import dev.lanecontroller.store.JournalEntry;
import java.io.PrintStream;
import java.time.Instant;

/**
 * A simulated lane as JSON lines, one object per line with its virtual time {@code t} (ms from the
 * start): every journal event, every signal and gate command, and every loop change, limit
 * switch and camera report the lane's inputs saw, so an outside checker can hold the outputs against the inputs
 * (docs/scenarios.md, output lines). Same run, same bytes.
 */
final class JsonLines implements LaneObserver {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final PrintStream out;

    JsonLines(PrintStream out) {
        this.out = out;
    }

    /** Also prints what the simulation's detectors and limit switches report. */
    void watchInputs(Simulation sim) {
        for (LoopId loop : LoopId.values()) {
            if (sim.hardware.hasLoop(loop)) {
                sim.hardware.loop(loop).onChange(occupied -> out.println("{\"t\":" + sim.elapsedMs() + ",\"kind\":\"loop\",\"loop\":\"" + loop
                        + "\",\"occupied\":" + occupied + "}"));
            }
        }
        sim.hardware.gate.onLimitReached(limit -> out.println("{\"t\":" + sim.elapsedMs() + ",\"kind\":\"limit\",\"limit\":\"" + limit + "\"}"));
        sim.hardware.plateReader.onReport(report -> {
            ObjectNode line = JSON.createObjectNode();
            line.put("t", sim.elapsedMs());
            line.put("kind", "plate");
            line.put("text", report.text());
            line.put("jurisdiction", report.jurisdiction());
            line.put("confidence", report.confidencePct());
            line.put("event", report.kind().name());
            out.println(line);
        });
    }

    @Override
    public void onEvent(JournalEntry entry) {
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
}
