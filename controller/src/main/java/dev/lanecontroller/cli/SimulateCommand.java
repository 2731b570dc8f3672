package dev.lanecontroller.cli;

import dev.lanecontroller.sim.RandomLane;
import dev.lanecontroller.sim.Scenario;
import dev.lanecontroller.sim.ScenarioException;
import dev.lanecontroller.sim.ScenarioLoader;
import dev.lanecontroller.sim.ScenarioRunner;
import java.io.BufferedOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "simulate", description = "Runs a scenario (--scenario) or the seeded random lane (--random) in virtual time; prints every "
        + "event, output command and input as JSON lines (docs/scenarios.md).")
final class SimulateCommand implements Callable<Integer> {
    /** More would take days of CPU: a campaign runs several seeds instead. */
    static final long VEHICLES_MAX = 100_000_000;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    static final class Source {
        @Option(names = "--scenario", required = true, paramLabel = "FILE", description = "scenario file (docs/scenarios.md)")
        Path scenarioFile;

        @Option(names = "--random", required = true, description = "the seeded random lane the property test runs: settings drawn from the seed, "
                + "every driver behaviour, officers late or absent, faults, mode changes, close tailgaters")
        boolean random;
    }

    @Option(names = "--seed", paramLabel = "N", description = "overrides the scenario's seed; the random lane's seed (default 1)")
    Long seed;

    @Option(names = "--vehicles", paramLabel = "N", defaultValue = "10000", description = "vehicles for --random (default: ${DEFAULT-VALUE})")
    long vehicles;

    @Option(names = "--quiet", description = "no JSON lines, only the outcome on stderr")
    boolean quiet;

    @Override
    public Integer call() {
        PrintStream out = new PrintStream(new BufferedOutputStream(System.out, 1 << 16), false, StandardCharsets.UTF_8);
        try {
            return source.random ? random(out) : scenario(out);
        } finally {
            out.flush();
        }
    }

    private int scenario(PrintStream out) {
        Scenario scenario;
        try {
            scenario = ScenarioLoader.load(source.scenarioFile);
        } catch (ScenarioException e) {
            System.err.println(e.getMessage());
            return 2;
        }
        ScenarioRunner.Result result = ScenarioRunner.run(scenario, seed == null ? scenario.seed() : seed,
                quiet ? new PrintStream(OutputStream.nullOutputStream()) : out);
        if (!result.expectationsMet()) {
            result.unmet().forEach(System.err::println);
            return 1;
        }
        return 0;
    }

    private int random(PrintStream out) {
        if (vehicles < 1 || vehicles > VEHICLES_MAX) {
            System.err.println("--vehicles: " + vehicles + " is not allowed; allowed: 1 to " + VEHICLES_MAX);
            return 2;
        }
        long runSeed = seed == null ? 1 : seed;
        long startedNs = System.nanoTime();
        RandomLane.Result result;
        try {
            result = new RandomLane(runSeed, quiet ? null : out).run(vehicles);
        } catch (RuntimeException | AssertionError e) {
            // A SafetyViolation from the monitor, or a lane that never came to rest: the seed replays it.
            out.flush();
            System.err.println("seed " + runSeed + ": " + e.getMessage());
            return 1;
        }
        out.flush();
        System.err.printf("seed %d: %d vehicles, %d decisions, %d faults injected, %d steps, %.1f days of lane time in %.1f s; "
                        + "every invariant held; %d close tailgaters, %d TAILGATE alerts%s%n", runSeed, result.vehicles(), result.decisions(),
                result.faults(), result.steps(), result.laneTimeMs() / 86_400_000.0, (System.nanoTime() - startedNs) / 1e9,
                result.closeTailgaters(), result.tailgates(),
                result.clean() ? ", every one with a readable plate seen" : "; UNSEEN: " + result.unseenCount() + ", the first " + result.unseen());
        return result.clean() ? 0 : 1;
    }
}
