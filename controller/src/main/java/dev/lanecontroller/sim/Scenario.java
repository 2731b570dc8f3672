package dev.lanecontroller.sim;

import dev.lanecontroller.config.LaneSetup;
import dev.lanecontroller.core.ListInfo;
import dev.lanecontroller.store.CardRecord;
import java.util.List;
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
        List<ScenarioList> lists,
        List<Step> steps,
        long runForMs,
        List<String> expectedDecisions) {

    /** One program's list as the scenario loads it before the first step. */
    public record ScenarioList(ListInfo info, List<CardRecord> cards) {}

    /** Something that happens {@code atMs} after the start; {@code action} does it to the simulation. */
    public record Step(long atMs, String description, Consumer<Simulation> action) {}
}
