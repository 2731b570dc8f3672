package dev.lanecontroller.sim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanecontroller.core.Reason;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every shipped scenario does what it says, and replays byte for byte. */
class ScenarioExamplesTest {
    static final Path EXAMPLES = Path.of("..", "docs", "examples");
    static final int SEEDS_SWEPT = 50;

    static Stream<Path> examples() throws IOException {
        return Files.list(EXAMPLES).filter(p -> p.toString().endsWith(".json")).sorted();
    }

    @ParameterizedTest
    @MethodSource("examples")
    void exampleMeetsItsExpectationsForEverySeedOfASweep(Path file) {
        // An example is a specification: its outcome may not hang on the seed (read timing, random draws).
        Scenario scenario = ScenarioLoader.load(file);
        for (long seed = 1; seed <= SEEDS_SWEPT; seed++) {
            ScenarioRunner.Result result = ScenarioRunner.run(scenario, seed, new PrintStream(new ByteArrayOutputStream(), true,
                    StandardCharsets.UTF_8));
            assertTrue(result.expectationsMet(), file + " seed " + seed + ": " + result.unmet());
        }
    }

    @ParameterizedTest
    @MethodSource("examples")
    void sameScenarioAndSeedGiveTheSameBytes(Path file) {
        Scenario scenario = ScenarioLoader.load(file);
        assertArrayEquals(output(scenario, 99), output(scenario, 99));
    }

    @Test
    void everyDecisionReasonHasAnExample() throws IOException {
        Set<String> shown = new HashSet<>();
        for (Path file : examples().toList()) {
            shown.addAll(ScenarioLoader.load(file).expectedDecisions());
        }
        for (Reason reason : Reason.values()) {
            assertTrue(shown.contains(reason.name()), "no example scenario shows " + reason);
        }
        assertTrue(shown.contains("CLEARED"));
    }

    @Test
    void aBadScenarioNamesEveryProblem() {
        String json = "{\"steps\":[{\"at\":-5,\"loop\":\"arming\"},{\"at\":10,\"teleport\":true}],\"settings\":{\"timings\":{\"readWindowMs\":5}}}";
        ScenarioException e = org.junit.jupiter.api.Assertions.assertThrows(ScenarioException.class, () -> ScenarioLoader.parse(json, "bad.json"));
        assertTrue(e.getMessage().contains("steps[0].at"), e.getMessage());
        assertTrue(e.getMessage().contains("steps[1]"), e.getMessage());
        assertTrue(e.getMessage().contains("settings.timings.readWindowMs"), e.getMessage());
    }

    @Test
    void aClearedCarOpensTheGateAfterItsDecisionIsRecordedAndTheGateClosesBehindIt() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ScenarioRunner.run(ScenarioLoader.load(EXAMPLES.resolve("cleared.json")), 1, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();
        int decision = indexOf(lines, "\"type\":\"DECISION\"");
        int up = indexOf(lines, "\"command\":\"UP\"");
        int proceed = indexOf(lines, "\"aspect\":\"PROCEED\"");
        int passage = indexOf(lines, "\"type\":\"PASSAGE\"");
        assertTrue(decision >= 0 && decision < up && up < proceed && proceed < passage, String.join("\n", lines));
        List<String> gate = lines.stream().filter(line -> line.contains("\"kind\":\"gate\"") || line.contains("\"kind\":\"limit\"")).toList();
        assertTrue(gate.get(gate.size() - 2).endsWith("\"kind\":\"gate\",\"command\":\"DOWN\"}"), gate.toString());
        assertTrue(gate.get(gate.size() - 1).endsWith("\"kind\":\"limit\",\"limit\":\"CLOSED\"}"), "the arm reached its closed limit last: " + gate);
        int safetyClear = lines.lastIndexOf(lines.stream().filter(line -> line.contains("\"loop\":\"SAFETY\",\"occupied\":false")).reduce((a, b) -> b)
                .orElseThrow());
        assertTrue(safetyClear < lines.indexOf(gate.get(gate.size() - 2)), "the arm came down after the car left the safety loop");
    }

    private static int indexOf(List<String> lines, String fragment) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(fragment)) {
                return i;
            }
        }
        return -1;
    }

    private static byte[] output(Scenario scenario, long seed) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ScenarioRunner.run(scenario, seed, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        return bytes.toByteArray();
    }
}
