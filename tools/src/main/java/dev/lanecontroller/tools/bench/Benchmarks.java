package dev.lanecontroller.tools.bench;

import dev.lanecontroller.core.ListInfo;
import dev.lanecontroller.sim.DemoList;
import dev.lanecontroller.store.CardRecord;
import dev.lanecontroller.store.ClearanceStore;
import dev.lanecontroller.store.Database;
import dev.lanecontroller.store.SqliteJournal;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * The figures of docs/performance.md: list import time, card lookups per second, and decision
 * latency from the input that closes the read window to the gate's actuation call, including the
 * journal's durable (fsync'd) commit, with the full list in force.
 */
public final class Benchmarks {
    private Benchmarks() {}

    public static void run(Path dir, int cardCount, int transactions, PrintStream out) throws IOException {
        run(dir, cardCount, transactions, 0, out);
    }

    /**
     * With {@code monitorClients} above 0, the decisions are timed in alternating phases with that
     * many lane-monitor pages streaming and with none (the monitor's feed running in both), and the
     * two are reported side by side: the monitor's cost to the lane, measured in one run.
     */
    public static void run(Path dir, int cardCount, int transactions, int monitorClients, PrintStream out) throws IOException {
        Files.createDirectories(dir);
        Path listFile = dir.resolve("list.csv");
        Path dbFile = dir.resolve("bench.db");
        for (String suffix : new String[] {"", "-wal", "-shm"}) {
            Files.deleteIfExists(Path.of(dbFile + suffix));
        }
        writeList(listFile, cardCount);
        out.printf("list file: %d cards, %.0f MB%n", cardCount, Files.size(listFile) / 1e6);

        Database database = Database.open(dbFile);
        try (ClearanceStore store = new ClearanceStore(database); SqliteJournal journal = new SqliteJournal(database, "bench")) {
            long heapBefore = usedHeapMb();
            long started = System.nanoTime();
            long now = System.currentTimeMillis();
            store.importFile(listFile, "NEXUS", 1, now, ListInfo.NO_EXPIRY, now, false);
            out.printf("import: %d cards in %.2f s%n", cardCount, (System.nanoTime() - started) / 1e9);
            out.printf("heap used after import: %d MB (before: %d MB)%n", usedHeapMb(), heapBefore);

            SplittableRandom random = new SplittableRandom(42);
            int lookups = 1_000_000;
            for (int i = 0; i < 100_000; i++) {
                store.find(DemoList.epc(random.nextInt(cardCount)), Set.of("NEXUS"));
            }
            started = System.nanoTime();
            for (int i = 0; i < lookups; i++) {
                store.find(DemoList.epc(random.nextInt(cardCount)), Set.of("NEXUS"));
            }
            double lookupNs = (System.nanoTime() - started) / (double) lookups;
            out.printf("lookups: %.0f per second, %.2f us each%n", 1e9 / lookupNs, lookupNs / 1000);

            if (monitorClients > 0) {
                decisionLatencyWithMonitor(store, journal, cardCount, transactions, monitorClients, random, out);
            } else {
                decisionLatency(store, journal, cardCount, transactions, random, out);
            }
        }
    }

    /** Phases of this many decisions alternate: the machine's own drift falls on both sides alike. */
    private static final int MONITOR_PHASES = 8;

    private static void decisionLatencyWithMonitor(ClearanceStore store, SqliteJournal journal, int cardCount, int transactions,
                                                   int monitorClients, SplittableRandom random, PrintStream out) throws IOException {
        DecisionDriver[] driver = new DecisionDriver[1];
        try (MonitorClients monitor = new MonitorClients(() -> driver[0] == null ? null : driver[0].state())) {
            driver[0] = new DecisionDriver(store, journal, cardCount, random, monitor.watch());
            int perPhase = Math.max(1, transactions / MONITOR_PHASES);
            long[] without = new long[perPhase * (MONITOR_PHASES / 2)];
            long[] with = new long[perPhase * (MONITOR_PHASES / 2)];
            int withoutCount = 0;
            int withCount = 0;
            for (int phase = 0; phase < MONITOR_PHASES; phase++) {
                boolean streaming = phase % 2 == 1;
                if (streaming) {
                    monitor.start(monitorClients);
                }
                for (int i = 0; i < perPhase; i++) {
                    long latency = driver[0].decideOne();
                    if (streaming) {
                        with[withCount++] = latency;
                    } else {
                        without[withoutCount++] = latency;
                    }
                }
                if (streaming) {
                    monitor.stop();
                }
            }
            out.printf("decisions: %d cleared, %d referred%n", driver[0].cleared(), withCount + withoutCount - driver[0].cleared());
            out.printf("decision latency, no monitor page (%d transactions): %s%n", withoutCount, percentiles(without));
            out.printf("decision latency, %d monitor pages streaming (%d transactions, %d views received): %s%n", monitorClients, withCount,
                    monitor.views(), percentiles(with));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    private static void decisionLatency(ClearanceStore store, SqliteJournal journal, int cardCount, int transactions,
                                        SplittableRandom random, PrintStream out) {
        DecisionDriver driver = new DecisionDriver(store, journal, cardCount, random);
        long[] latencyNs = new long[transactions];
        for (int i = 0; i < transactions; i++) {
            latencyNs[i] = driver.decideOne();
        }
        out.printf("decisions: %d cleared, %d referred%n", driver.cleared(), transactions - driver.cleared());
        out.printf("decision latency (last input to gate actuation, journal fsync included), %d transactions: %s%n", transactions,
                percentiles(latencyNs));
    }

    /** p50, p99 and max of latencies in nanoseconds, in milliseconds. Sorts the array. */
    static String percentiles(long[] latencyNs) {
        int n = latencyNs.length;
        if (n == 0) {
            return "no samples";
        }
        Arrays.sort(latencyNs);
        return String.format("p50 %.3f ms, p99 %.3f ms, max %.3f ms", latencyNs[n / 2] / 1e6, latencyNs[(int) (n * 0.99)] / 1e6,
                latencyNs[n - 1] / 1e6);
    }

    static void writeList(Path file, int count) throws IOException {
        writeListFile(file, count);
    }

    private static void writeListFile(Path file, int count) throws IOException {
        SplittableRandom random = new SplittableRandom(7);
        try (BufferedWriter out = Files.newBufferedWriter(file)) {
            out.write("epc,status,expires,plates,tid,lookout\n");
            for (int i = 0; i < count; i++) {
                CardRecord card = DemoList.card(i, random);
                out.write(card.epcHex() + "," + card.status() + ",," + String.join("|", card.plates()) + "," + card.tidHex() + ","
                        + card.lookout() + "\n");
            }
        }
    }

    private static long usedHeapMb() {
        Runtime runtime = Runtime.getRuntime();
        runtime.gc();
        return (runtime.totalMemory() - runtime.freeMemory()) / (1024 * 1024);
    }
}
