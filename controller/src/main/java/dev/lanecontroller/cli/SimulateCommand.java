package dev.lanecontroller.cli;

import dev.lanecontroller.sim.Scenario;
import dev.lanecontroller.sim.ScenarioException;
import dev.lanecontroller.sim.ScenarioLoader;
import dev.lanecontroller.sim.ScenarioRunner;
import java.io.BufferedOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "simulate", description = "Runs a scenario in virtual time; prints every event and output command as JSON lines.")
final class SimulateCommand implements Callable<Integer> {
    @Option(names = "--scenario", required = true, paramLabel = "FILE", description = "scenario file (docs/scenarios.md)")
    Path scenarioFile;

    @Option(names = "--seed", paramLabel = "N", description = "overrides the scenario's seed")
    Long seed;

    @Override
    public Integer call() {
        Scenario scenario;
        try {
            scenario = ScenarioLoader.load(scenarioFile);
        } catch (ScenarioException e) {
            System.err.println(e.getMessage());
            return 2;
        }
        PrintStream out = new PrintStream(new BufferedOutputStream(System.out, 1 << 16), false, StandardCharsets.UTF_8);
        ScenarioRunner.Result result = ScenarioRunner.run(scenario, seed == null ? scenario.seed() : seed, out);
        out.flush();
        if (!result.expectationsMet()) {
            System.err.println("expected decisions " + scenario.expectedDecisions() + " but got " + result.decisions());
            return 1;
        }
        return 0;
    }
}
