package dev.lanecontroller.bench;

import dev.lanecontroller.core.Lane;
import dev.lanecontroller.core.LaneInput;
import dev.lanecontroller.core.LaneSettings;
import dev.lanecontroller.core.ListInfo;
import dev.lanecontroller.core.Now;
import dev.lanecontroller.core.LaneMode;
import dev.lanecontroller.core.Phase;
import dev.lanecontroller.hal.Gate;
import dev.lanecontroller.hal.GateDirection;
import dev.lanecontroller.hal.GateLimit;
import dev.lanecontroller.hal.LaneHardware;
import dev.lanecontroller.hal.LoopId;
import dev.lanecontroller.hal.TagRead;
import dev.lanecontroller.hal.sim.SimLane;
import dev.lanecontroller.hal.sim.VirtualScheduler;
import dev.lanecontroller.shell.LaneObserver;
import dev.lanecontroller.shell.LaneShell;
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
import java.util.function.Consumer;

/**
 * The figures of docs/performance.md: list import time, card lookups per second, and decision
 * latency from the input that closes the read window to the gate's actuation call, including the
 * journal's durable (fsync'd) commit, with the full list in force.
 */
public final class Benchmarks {
    private Benchmarks() {}

    public static void run(Path dir, int cardCount, int transactions, PrintStream out) throws IOException {
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
            store.importFile(listFile, "NEXUS", 1, now, ListInfo.NO_EXPIRY, now);
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

            decisionLatency(store, journal, cardCount, transactions, random, out);
        }
    }

    private static void decisionLatency(ClearanceStore store, SqliteJournal journal, int cardCount, int transactions,
                                        SplittableRandom random, PrintStream out) {
        VirtualScheduler scheduler = new VirtualScheduler(1_000_000);
        SimLane sim = new SimLane(scheduler, 1_000, 1_000, true, true);
        long[] actuatedAt = {0};
        GateDirection[] lastGateCommand = {null};
        LaneHardware ports = sim.ports();
        // The first output call after the decision (the gate for a clearance, the signal for a referral) stops the clock.
        LaneHardware timed = new LaneHardware(aspect -> {
            if (actuatedAt[0] == 0) {
                actuatedAt[0] = System.nanoTime();
            }
        }, new Gate() {
            @Override
            public void move(GateDirection direction) {
                if (actuatedAt[0] == 0) {
                    actuatedAt[0] = System.nanoTime();
                }
                lastGateCommand[0] = direction;
            }

            @Override
            public void onLimitReached(Consumer<GateLimit> listener) {
                // The benchmark reports the limits itself.
            }
        }, ports.loops(), ports.tagReader(), ports.plateReader(), ports.tamper());
        long[] mono = {1_000_000};
        LaneSettings settings = LaneSettings.defaults("bench");
        LaneShell shell = new LaneShell(new Lane(settings, () -> 0.5), timed, journal, store,
                () -> new Now(mono[0], System.currentTimeMillis(), true), LaneObserver.NONE);
        shell.start();
        long[] latencyNs = new long[transactions];
        long cleared = 0;
        for (int i = 0; i < transactions; i++) {
            mono[0] += 2_000;
            shell.handle(new LaneInput.ReaderAlive());
            shell.handle(new LaneInput.LoopChanged(LoopId.ARMING, true));
            for (int card = 0; card < 2; card++) {
                shell.handle(new LaneInput.TagSeen(new TagRead(DemoList.epc(random.nextInt(cardCount)), null, 1, -50), null));
            }
            mono[0] += settings.readWindowMs();
            actuatedAt[0] = 0;
            long started = System.nanoTime();
            shell.handle(new LaneInput.Tick());
            latencyNs[i] = actuatedAt[0] - started;
            // Drive the vehicle through (or away) so the next one starts from an idle lane.
            if (lastGateCommand[0] == GateDirection.UP) {
                cleared++;
                shell.handle(new LaneInput.GateLimitReached(GateLimit.OPEN));
                shell.handle(new LaneInput.LoopChanged(LoopId.ARMING, false));
                shell.handle(new LaneInput.LoopChanged(LoopId.SAFETY, true));
                shell.handle(new LaneInput.LoopChanged(LoopId.EXIT, true));
                mono[0] += 1_000;
                shell.handle(new LaneInput.LoopChanged(LoopId.SAFETY, false));
                shell.handle(new LaneInput.LoopChanged(LoopId.EXIT, false));
                mono[0] += settings.suppressionMs();
                shell.handle(new LaneInput.ReaderAlive());
                shell.handle(new LaneInput.GateLimitReached(GateLimit.CLOSED));
            } else {
                shell.handle(new LaneInput.LoopChanged(LoopId.ARMING, false));
                mono[0] += settings.referralTimeoutMs();
                shell.handle(new LaneInput.ReaderAlive());
            }
            if (!(shell.state().phase() instanceof Phase.Idle) || shell.state().mode() != LaneMode.AUTOMATED) {
                throw new IllegalStateException("benchmark vehicle " + i + " left the lane " + shell.state().phase() + " in "
                        + shell.state().mode());
            }
        }
        out.printf("decisions: %d cleared, %d referred%n", cleared, transactions - cleared);
        Arrays.sort(latencyNs);
        out.printf("decision latency (last input to gate actuation, journal fsync included), %d transactions: "
                        + "p50 %.3f ms, p99 %.3f ms, max %.3f ms%n", transactions, latencyNs[transactions / 2] / 1e6,
                latencyNs[(int) (transactions * 0.99)] / 1e6, latencyNs[transactions - 1] / 1e6);
    }

    private static void writeList(Path file, int count) throws IOException {
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
