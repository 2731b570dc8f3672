package dev.lanecontroller.link;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanecontroller.store.Database;
import dev.lanecontroller.store.SqliteJournal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Why the drain after the long outage (docs/reliability.md) is slower than the benchmark's: the
 * same journal outbox drained into the campaign's Mosquitto (persistence on, unlimited queues),
 * cold and warm, a backlog the outage's size and the benchmark's, with and without central's
 * subscriber (which on this machine shares the two cores with the lane and the broker; on a real
 * site it runs at central). A measurement, not a check:
 * {@code mvn -B test -pl hal,controller -Dgroups=benchmark -Dcampaign.excluded= -Dtest=DrainConditionsTest}.
 */
@Tag("benchmark")
class DrainConditionsTest {
    private static final int WARM_ROUNDS = 3;
    private static final int OUTAGE_BACKLOG = 14_000;
    private static final int BENCHMARK_BACKLOG = 100_000;

    @TempDir
    Path dir;
    private int runs;

    @Test
    void drainRatesUnderTheCampaignsConditions() throws Exception {
        Map<String, List<Double>> rates = new LinkedHashMap<>();
        try (MosquittoBroker broker = new MosquittoBroker(dir.resolve("broker"), TestBroker.freePort())) {
            broker.start();
            // The first drain in the JVM, as in the campaign: class loading and the JIT are still to come.
            rates.computeIfAbsent(label("cold", OUTAGE_BACKLOG, true), k -> new ArrayList<>()).add(drain(broker, OUTAGE_BACKLOG, true));
            for (int round = 0; round < WARM_ROUNDS; round++) {
                for (int backlog : new int[] {OUTAGE_BACKLOG, BENCHMARK_BACKLOG}) {
                    for (boolean subscriber : new boolean[] {true, false}) {
                        rates.computeIfAbsent(label("warm", backlog, subscriber), k -> new ArrayList<>()).add(drain(broker, backlog, subscriber));
                    }
                }
            }
        }
        StringBuilder table = new StringBuilder("| JVM | backlog | central's subscriber on this machine | events/s, connected to all acknowledged (median) | rounds |\n"
                + "| --- | --- | --- | --- | --- |\n");
        rates.forEach((label, values) -> {
            List<Double> sorted = values.stream().sorted().toList();
            table.append(String.format(Locale.ROOT, "| %s | %,.0f | %s |%n", label, sorted.get(sorted.size() / 2),
                    String.join(" / ", values.stream().map(v -> String.format(Locale.ROOT, "%,.0f", v)).toList())));
        });
        System.out.print(table);
        Path out = Path.of("target", "reliability");
        Files.createDirectories(out);
        Files.writeString(out.resolve("drain-conditions.md"), table.toString());
    }

    private static String label(String jit, int backlog, boolean subscriber) {
        return String.format(Locale.ROOT, "%s | %,d | %s", jit, backlog, subscriber ? "yes" : "no");
    }

    /** Events per second from the lane's connection to the moment the broker has acknowledged the whole backlog. */
    private double drain(MosquittoBroker broker, int backlog, boolean subscriber) throws Exception {
        runs++;
        Path runDir = Files.createDirectories(dir.resolve("run-" + runs));
        try (SqliteJournal journal = new SqliteJournal(Database.open(runDir.resolve("lane.db")), "boot-" + runs);
             CentralConsumer central = subscriber ? new CentralConsumer(broker.uri(), "central-drain-" + runs, "lc/v1/+/+/events") : null) {
            for (int appended = 0; appended < backlog; appended += 1_000) {
                LinkHarness.append(journal, Math.min(1_000, backlog - appended), "PASSAGE");
            }
            CentralLink link = LinkHarness.link(broker.uri(), journal, Inbound.NONE, 256);
            link.start();
            assertTrue(EventSyncTest.waitFor(link::isConnected, 30_000), "the lane connected");
            long connected = System.nanoTime();
            while (journal.outbox().unsentCount() > 0) {
                Thread.sleep(1);
            }
            double rate = backlog / ((System.nanoTime() - connected) / 1e9);
            link.close();
            if (central != null) {
                assertTrue(central.await(() -> central.distinctEvents() == backlog, 60_000), "central received the backlog");
            }
            return rate;
        }
    }
}
