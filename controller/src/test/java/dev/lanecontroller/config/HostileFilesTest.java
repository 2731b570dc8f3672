package dev.lanecontroller.config;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.lanecontroller.link.CampaignReport;
import dev.lanecontroller.link.CampaignRun;
import dev.lanecontroller.sim.Scenario;
import dev.lanecontroller.sim.ScenarioException;
import dev.lanecontroller.sim.ScenarioLoader;
import dev.lanecontroller.sim.ScenarioRunner;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.ThrowingConsumer;

/**
 * Config and scenario files mangled at random, seeded (docs/reliability.md): lines dropped,
 * doubled, swapped and re-indented, characters replaced, values swapped for lists, maps, huge
 * numbers and YAML alias bombs, files cut short, random bytes. The loaders must either accept a
 * file or refuse it with their own error naming the problems: no other exception, no hang. A
 * scenario that still loads is run, and must run or refuse as well.
 * {@code -Dlane.fuzz.iterations=N} (default 3000 each) and {@code -Dlane.campaign.seed=S}.
 */
class HostileFilesTest {
    private static final String[] VALUES = {"[1, 2]", "{a: 1}", "99999999999999999999", "-1", "''", "null", "~", "true", "0x1F",
        "\"\\u0000\"", "*undefined", "&a [*a]", "!!binary AAAA", "1e308", "NaN", ".inf", "2026-13-45T99:99:99Z", "'" + "x".repeat(10_000) + "'"};

    @Test
    void mangledConfigFilesAreLoadedOrRefusedWithTheirProblemsNamed() throws Exception {
        CampaignRun run = CampaignRun.of("lane.fuzz.iterations", 3_000);
        int iterations = run.trials();
        List<String> corpus = new ArrayList<>();
        corpus.add(Files.readString(Path.of("..", "config", "lane.yaml")));
        try (Stream<Path> examples = Files.list(Path.of("..", "config", "examples"))) {
            for (Path file : examples.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
                corpus.add(Files.readString(file));
            }
        }
        corpus.add("a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
                + "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: [*d, *d, *d, *d, *d, *d, *d, *d, *d]\n");
        int[] outcome = feed(run, corpus, "config", ConfigException.class, text -> ConfigLoader.parse(text, "fuzz.yaml", Path.of("..", "config")));
        int loaded = outcome[0];
        int refused = outcome[1];
        assertTrue(refused > iterations / 2 && loaded > 0, loaded + " loaded, " + refused + " refused");
        CampaignReport.row("hostile-config", "mangled config files", run, 3_000,
                String.format(Locale.ROOT, "%d files from config/ and its examples mangled (and a YAML alias bomb): %d loaded, %d "
                        + "refused with their problems named, 0 other exceptions", iterations, loaded, refused));
    }

    @Test
    void mangledScenarioFilesAreRunOrRefusedWithTheirProblemsNamed() throws Exception {
        CampaignRun run = CampaignRun.of("lane.fuzz.iterations", 3_000);
        int iterations = run.trials();
        List<String> corpus = new ArrayList<>();
        try (Stream<Path> examples = Files.list(Path.of("..", "docs", "examples"))) {
            for (Path file : examples.filter(p -> p.toString().endsWith(".json")).sorted().toList()) {
                corpus.add(Files.readString(file));
            }
        }
        PrintStream nowhere = new PrintStream(OutputStream.nullOutputStream());
        int[] outcome = feed(run, corpus, "scenario", ScenarioException.class, text -> {
            Scenario scenario = ScenarioLoader.parse(text, "fuzz.json");
            ScenarioRunner.run(scenario, scenario.seed(), nowhere);
        });
        int ran = outcome[0];
        int refused = outcome[1];
        assertTrue(refused > iterations / 4 && ran > 0, ran + " ran, " + refused + " refused");
        CampaignReport.row("hostile-scenarios", "mangled scenario files", run, 3_000,
                String.format(Locale.ROOT, "%d files from docs/examples mangled: %d loaded and ran, %d refused with their problems "
                        + "named, 0 other exceptions", iterations, ran, refused));
    }

    /**
     * Feeds mangled copies of the corpus to {@code load}: {accepted, refused with {@code refusal}};
     * any other exception fails the test with the file that caused it.
     */
    private static int[] feed(CampaignRun run, List<String> corpus, String what, Class<? extends RuntimeException> refusal,
                              ThrowingConsumer<String> load) {
        int[] outcome = new int[2];
        for (int i = 0; i < run.trials(); i++) {
            String text = mangle(corpus.get(run.random().nextInt(corpus.size())), run.random());
            try {
                load.accept(text);
                outcome[0]++;
            } catch (Throwable t) {
                if (!refusal.isInstance(t)) {
                    fail(what + " iteration " + i + " threw " + t + " " + run.replay() + "\n---\n" + text, t);
                }
                assertTrue(t.getMessage() != null && !t.getMessage().isBlank(), "a refusal says why");
                outcome[1]++;
            }
        }
        return outcome;
    }

    /** One to three random edits of a text file, line- or character-wise. */
    static String mangle(String text, SplittableRandom random) {
        List<String> lines = new ArrayList<>(List.of(text.split("\n", -1)));
        int edits = 1 + random.nextInt(3);
        for (int e = 0; e < edits && !lines.isEmpty(); e++) {
            int at = random.nextInt(lines.size());
            String line = lines.get(at);
            switch (random.nextInt(9)) {
                case 0 -> lines.remove(at);
                case 1 -> lines.add(at, line);
                case 2 -> lines.set(at, " ".repeat(random.nextInt(6)) + line.strip());
                case 3 -> {
                    int other = random.nextInt(lines.size());
                    lines.set(at, lines.get(other));
                    lines.set(other, line);
                }
                case 4 -> {
                    int colon = line.indexOf(':');
                    if (colon > 0) {
                        lines.set(at, line.substring(0, colon + 1) + " " + VALUES[random.nextInt(VALUES.length)]);
                    }
                }
                case 5 -> {
                    if (!line.isEmpty()) {
                        char[] chars = line.toCharArray();
                        chars[random.nextInt(chars.length)] = "{}[]:,\"'#&*!|>-\t\\0 x9".charAt(random.nextInt(21));
                        lines.set(at, new String(chars));
                    }
                }
                case 6 -> {
                    String joined = String.join("\n", lines);
                    return joined.substring(0, random.nextInt(joined.length() + 1));
                }
                case 7 -> lines.set(at, line.replaceAll("[0-9]+", random.nextBoolean() ? "-1" : "9223372036854775808"));
                default -> {
                    StringBuilder bytes = new StringBuilder();
                    for (int b = random.nextInt(200); b > 0; b--) {
                        bytes.append((char) random.nextInt(0x3000));
                    }
                    lines.add(at, bytes.toString());
                }
            }
        }
        return String.join("\n", lines);
    }
}
