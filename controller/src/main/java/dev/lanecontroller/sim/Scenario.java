package dev.lanecontroller.sim;

import dev.lanecontroller.config.LaneSetup;
import dev.lanecontroller.core.ListInfo;
import dev.lanecontroller.store.CardRecord;
import dev.lanecontroller.core.LaneMode;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/** A parsed scenario file (docs/scenarios.md): lane setup, lists, timed steps and what to expect. */
public record Scenario(
        String name,
        long seed,
        long startWallMs,
        boolean clockSynced,
        LaneSetup setup,
        long gateTravelMs,
        long readerHeartbeatIntervalMs,
        boolean photoEye,
        List<ScenarioList> lists,
        List<Step> steps,
        long runForMs,
        Expectations expect,
        Central central) {

    /**
     * Central's keys for signed command steps: those the lane trusts, and strangers' (they sign, the
     * lane does not know them); null when the scenario sends no signed command.
     */
    public record Central(List<String> trustedKeys, List<String> strangerKeys, long commandMaxAgeMs) {}

    /**
     * What the run must show (each optional): the decisions in order, how many events of each type,
     * the mode at the end, and windows in which the gate must not be commanded at all.
     */
    public record Expectations(List<String> decisions, Map<String, Integer> eventCounts, LaneMode modeAtEnd, List<long[]> gateStillMs) {
        public static final Expectations NONE = new Expectations(List.of(), Map.of(), null, List.of());
    }

    /** The decisions the scenario expects, in order (empty: any). */
    public List<String> expectedDecisions() {
        return expect.decisions();
    }

    /** One program's list as the scenario loads it before the first step. */
    public record ScenarioList(ListInfo info, List<CardRecord> cards) {}

    /** Something that happens {@code atMs} after the start; {@code action} does it to the simulation. */
    public record Step(long atMs, String description, Consumer<Simulation> action) {}
}
