package dev.lanecontroller.link;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * One seeded run of a campaign test: how many trials and which seed (from the system properties,
 * so the long campaign and a replay can change them), the words a failure prints to replay it, its
 * random source and its start.
 */
public record CampaignRun(int trials, long seed, String replay, SplittableRandom random, long startNanos) {
    public static final long DEFAULT_SEED = 20_261_128L;

    /** {@code trialsProperty}: e.g. {@code lane.fuzz.iterations}; the seed is {@code lane.campaign.seed}. */
    public static CampaignRun of(String trialsProperty, int defaultTrials) {
        int trials = Integer.getInteger(trialsProperty, defaultTrials);
        long seed = Long.getLong("lane.campaign.seed", DEFAULT_SEED);
        return new CampaignRun(trials, seed, " (replay with -Dlane.campaign.seed=" + seed + " -D" + trialsProperty + "=" + trials + ")",
                new SplittableRandom(seed), System.nanoTime());
    }

    public long seconds() {
        return TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - startNanos);
    }
}
