package dev.lanecontroller.link;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Where each campaign run leaves its row of docs/reliability.md's figures table:
 * {@code controller/target/reliability/NAME.md}, one file per fault, printed as well.
 */
public final class CampaignReport {
    private CampaignReport() {}

    public static void row(String name, String fault, String run, String counts, long seconds) throws IOException {
        String row = String.format(Locale.ROOT, "| %s | %s | %s | %,d s |", fault, run, counts, seconds);
        System.out.println(row);
        Path out = Path.of("target", "reliability");
        Files.createDirectories(out);
        Files.writeString(out.resolve(name + ".md"), row + "\n");
    }

    /** The row of a seeded run: short or long by its trial count, its seed, its time so far. */
    public static void row(String name, String fault, CampaignRun run, int shortTrials, String counts) throws IOException {
        row(name, fault, size(run.trials(), shortTrials) + ", seed " + run.seed(), counts, run.seconds());
    }

    /** "short (every CI run)" or "long": CI runs every fault at its default (short) count. */
    public static String size(int trials, int shortTrials) {
        return trials <= shortTrials ? "short (every CI run)" : "long";
    }
}
