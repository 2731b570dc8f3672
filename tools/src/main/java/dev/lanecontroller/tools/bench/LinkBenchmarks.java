package dev.lanecontroller.tools.bench;

import dev.lanecontroller.config.CentralSettings;
import dev.lanecontroller.contract.EventWire;
import dev.lanecontroller.contract.LaneView;
import dev.lanecontroller.contract.StatusWire;
import dev.lanecontroller.contract.Topics;
import dev.lanecontroller.core.LaneMode;
import dev.lanecontroller.core.ListInfo;
import dev.lanecontroller.core.Now;
import dev.lanecontroller.hal.Backoff;
import dev.lanecontroller.link.CentralLink;
import dev.lanecontroller.link.EventSync;
import dev.lanecontroller.link.Inbound;
import dev.lanecontroller.link.LaneLink;
import dev.lanecontroller.link.PahoTransport;
import dev.lanecontroller.pki.Ed25519Keys;
import dev.lanecontroller.sim.DemoList;
import dev.lanecontroller.store.ClearanceStore;
import dev.lanecontroller.store.Database;
import dev.lanecontroller.store.EventDraft;
import dev.lanecontroller.store.JournalEntry;
import dev.lanecontroller.store.MemoryJournal;
import dev.lanecontroller.store.NonceStore;
import dev.lanecontroller.store.SqliteJournal;
import dev.lanecontroller.tools.central.ListPublisher;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.eclipse.paho.client.mqttv3.IMqttActionListener;
import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttClientPersistence;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.eclipse.paho.client.mqttv3.persist.MqttDefaultFilePersistence;

/**
 * The central link's figures (docs/performance.md), against a real broker: backlog drain with the
 * journal as outbox, next to Paho alone (in-memory persistence: the ceiling) and Paho with its file
 * persistence (what a user would reach for); journal group commit under a burst; a 3,000,000-card
 * snapshot applied over MQTT with decision latency measured while it is applied.
 */
public final class LinkBenchmarks {
    private static final long DAY_MS = 24L * 3600 * 1000;
    static final int ROUNDS = 3;
    static final long DECISION_PACING_MS = 5;
    /** Decisions slower than this during the snapshot are listed with when they happened, to tell its phases apart. */
    static final long SLOW_DECISION_NS = 5_000_000;

    private LinkBenchmarks() {}

    public static void run(Path dir, String brokerUri, int events, int window, int cards, PrintStream out) throws Exception {
        Files.createDirectories(dir);
        MemoryJournal memory = new MemoryJournal("bench");
        EventWire wire = new EventWire("site-1", "lane-01", memory.journalId());
        List<JournalEntry> entries = new ArrayList<>(events);
        for (int i = 0; i < events; i += 1_000) {
            entries.addAll(memory.append(drafts(Math.min(1_000, events - i))));
        }
        out.printf("backlog drain: %d events of ~%d bytes, window %d, broker %s%n", events,
                wire.encode(entries.get(0), EventWire.Delivery.BACKLOG).length, window, brokerUri);
        // A warm-up of both, not reported: the first run of each pays for class loading and the JIT.
        pahoAlone(brokerUri, entries.subList(0, Math.min(events, 20_000)), wire, window, new MemoryPersistence());
        durableDrain(dir.resolve("drain"), brokerUri, Math.min(events, 20_000), window);
        // Interleaved rounds, medians reported: the broker and the two cores are shared, single runs vary by a fifth.
        double[] ceilings = new double[ROUNDS];
        double[] durables = new double[ROUNDS];
        for (int round = 0; round < ROUNDS; round++) {
            ceilings[round] = pahoAlone(brokerUri, entries, wire, window, new MemoryPersistence());
            durables[round] = durableDrain(dir.resolve("drain"), brokerUri, events, window);
            out.printf("  round %d: ceiling %.0f events/s, journal outbox %.0f events/s%n", round + 1, ceilings[round], durables[round]);
        }
        double ceiling = median(ceilings);
        double durable = median(durables);
        out.printf("  Paho, in-memory persistence (ceiling, no durability): %.0f events/s (median of %d)%n", ceiling, ROUNDS);
        out.printf("  journal outbox (SQLite, marked sent on PUBACK):      %.0f events/s = %.0f%% of the ceiling%n", durable,
                100 * durable / ceiling);
        Path fileStore = dir.resolve("paho-file");
        deleteTree(fileStore);
        double file = pahoAlone(brokerUri, entries.subList(0, Math.min(events, 20_000)), wire, window,
                new MqttDefaultFilePersistence(fileStore.toString()));
        out.printf("  Paho, file persistence (%d events):                %.0f events/s (the journal outbox is %.1fx that)%n",
                Math.min(events, 20_000), file, durable / file);
        groupCommit(dir.resolve("burst"), out);
        snapshotApply(dir.resolve("snapshot"), brokerUri, cards, out);
    }

    /** The snapshot apply alone, for working on the decision tail during it. */
    public static void snapshotOnly(Path dir, String brokerUri, int cards, PrintStream out) throws Exception {
        Files.createDirectories(dir);
        snapshotApply(dir.resolve("snapshot"), brokerUri, cards, out);
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        java.util.Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    private static List<EventDraft> drafts(int count) {
        List<EventDraft> drafts = new ArrayList<>(count);
        Now now = new Now(System.nanoTime() / 1_000_000, System.currentTimeMillis(), true);
        for (int i = 0; i < count; i++) {
            drafts.add(new EventDraft("DECISION", Map.of("transactionId", i, "outcome", "CLEARED", "reasons", List.of(),
                    "cards", List.of(DemoList.epc(i), DemoList.epc(i + 1)), "plate", "ON:ABC123", "confidencePct", 93), now));
        }
        return drafts;
    }

    /**
     * Publishes every event QoS 1 with at most {@code window} unacknowledged, from memory: the same
     * encoding as the link, no durability. Events/s from first publish to last PUBACK.
     */
    private static double pahoAlone(String brokerUri, List<JournalEntry> payloads, EventWire wire, int window,
                                    MqttClientPersistence persistence)
            throws Exception {
        MqttAsyncClient client = new MqttAsyncClient(brokerUri, "bench-" + UUID.randomUUID().toString().substring(0, 8), persistence);
        MqttConnectOptions options = new MqttConnectOptions();
        options.setMaxInflight(window * 2);
        client.connect(options).waitForCompletion(10_000);
        Semaphore slots = new Semaphore(window);
        CountDownLatch done = new CountDownLatch(payloads.size());
        IMqttActionListener acked = new IMqttActionListener() {
            @Override
            public void onSuccess(IMqttToken token) {
                slots.release();
                done.countDown();
            }

            @Override
            public void onFailure(IMqttToken token, Throwable failure) {
                throw new IllegalStateException("benchmark publish failed: " + failure);
            }
        };
        long started = System.nanoTime();
        for (JournalEntry entry : payloads) {
            slots.acquire();
            client.publish("lc/v1/bench/paho/events", wire.encode(entry, EventWire.Delivery.BACKLOG), 1, false, null, acked);
        }
        if (!done.await(10, TimeUnit.MINUTES)) {
            throw new IllegalStateException("the broker did not acknowledge everything in 10 minutes");
        }
        double rate = payloads.size() / ((System.nanoTime() - started) / 1e9);
        client.disconnect().waitForCompletion(5_000);
        client.close();
        return rate;
    }

    /** A journal of {@code events} unsent events drained by the link; events/s from the first publish to the last marked sent. */
    private static double durableDrain(Path dir, String brokerUri, int events, int window) throws Exception {
        deleteTree(dir);
        Database database = Database.open(dir.resolve("lane.db"));
        try (SqliteJournal journal = new SqliteJournal(database, "bench")) {
            for (int i = 0; i < events; i += 1_000) {
                journal.append(drafts(Math.min(1_000, events - i)));
            }
            Topics topics = Topics.lane("lc/v1", "bench", "lane-01");
            String journalId = journal.outbox().journalId();
            EventSync sync = new EventSync(journal.outbox(), new EventWire("bench", "lane-01", journalId), topics, window);
            SplittableRandom random = new SplittableRandom(1);
            CentralLink link = new CentralLink(new CentralLink.Parts(new PahoTransport(brokerUri, "bench-lane"), topics,
                    new StatusWire("bench", "lane-01", "bench", journalId, "bench", 60_000), sync, journal.outbox(), Inbound.NONE,
                    () -> new LaneView(LaneMode.AUTOMATED.name(), List.of(), true), new Backoff(50, 500, random::nextDouble), "bench-lane",
                    30, window, 60_000, null, System::currentTimeMillis));
            link.start();
            while (sync.published() == 0) {
                Thread.sleep(1);
            }
            long started = System.nanoTime();
            while (sync.acknowledged() < events) {
                Thread.sleep(2);
            }
            while (journal.outbox().unsentCount() > 0) {
                Thread.sleep(2);
            }
            double rate = events / ((System.nanoTime() - started) / 1e9);
            link.close();
            return rate;
        }
    }

    /** A burst written with one commit (fsync) per batch of 1, 8, 64 and 512 events. */
    private static void groupCommit(Path dir, PrintStream out) throws IOException {
        deleteTree(dir);
        try (SqliteJournal journal = new SqliteJournal(Database.open(dir.resolve("lane.db")), "burst")) {
            out.println("journal burst (one fsync'd commit per batch):");
            for (int batch : new int[] {1, 8, 64, 512}) {
                int total = batch == 1 ? 2_000 : 20_000;
                List<EventDraft> drafts = drafts(batch);
                long started = System.nanoTime();
                for (int written = 0; written < total; written += batch) {
                    journal.append(drafts);
                }
                double seconds = (System.nanoTime() - started) / 1e9;
                out.printf("  batch %3d: %8.0f events/s, %6.2f ms per commit%n", batch, total / seconds, seconds * 1000 / (total / batch));
            }
        }
    }

    /** Publishes a snapshot's chunks, then times from the manifest to the new version in force, deciding all the while. */
    private static void snapshotApply(Path dir, String brokerUri, int cards, PrintStream out) throws Exception {
        deleteTree(dir);
        Files.createDirectories(dir);
        KeyPair key = Ed25519Keys.generate();
        Ed25519Keys.writePublic(key.getPublic(), dir.resolve("lists.pub"));
        Database database = Database.open(dir.resolve("lane.db"));
        Topics central = new Topics("lc/v1");
        try (ClearanceStore store = new ClearanceStore(database); SqliteJournal journal = new SqliteJournal(database, "bench");
             NonceStore nonces = new NonceStore(database)) {
            long now = System.currentTimeMillis();
            store.importList("NEXUS", 1, now, now + DAY_MS, now, sink -> {
                SplittableRandom random = new SplittableRandom(7);
                for (int i = 0; i < cards; i++) {
                    sink.accept(DemoList.card(i, random));
                }
                return cards;
            });
            CentralSettings settings = new CentralSettings(brokerUri, "bench", "lc/v1", "bench-snapshot", null, null, null, true, 30, 60_000,
                    256, 50, 500, 120_000, Map.of("bench", dir.resolve("lists.pub")), Map.of(), List.of(), List.of());
            LaneLink link = new LaneLink(settings, new LaneLink.Lane("lane-01", Set.of("NEXUS"), journal, store, nonces, input -> true,
                    () -> new LaneView("AUTOMATED", List.of(), true), () -> new Now(System.nanoTime() / 1_000_000, System.currentTimeMillis(),
                    true), entry -> { }, "bench", "bench", Math::random));
            MqttClient publisher = new MqttClient(brokerUri, "bench-central", new MemoryPersistence());
            MqttConnectOptions options = new MqttConnectOptions();
            options.setMaxInflight(1_000);
            publisher.connect(options);
            // Chunks first (not timed: they wait on the broker, as a snapshot central published earlier would).
            List<byte[]> manifest = new ArrayList<>();
            SplittableRandom random = new SplittableRandom(8);
            ListPublisher.Snapshot snapshot = new ListPublisher.Snapshot((topic, payload) -> {
                if (topic.endsWith("/manifest")) {
                    manifest.add(payload);
                } else {
                    publisher.publish(topic, payload, 1, true);
                }
            }, central, "NEXUS", 2, 10_000);
            for (int i = 0; i < cards; i++) {
                snapshot.add(DemoList.card(i, random));
            }
            snapshot.finish(now, now + DAY_MS, 0, "bench", key.getPrivate());
            link.start();
            DecisionDriver driver = new DecisionDriver(store, journal, cards, new SplittableRandom(9));
            for (int i = 0; i < 2_000; i++) {
                driver.decideOne(); // warm up
            }
            long uptimeAtManifestMs = java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime();
            long started = System.nanoTime();
            publisher.publish(central.listManifest("NEXUS"), manifest.get(0), 1, true);
            List<Long> during = new ArrayList<>();
            List<String> slow = new ArrayList<>();
            while (during.size() % 100 != 0 || store.inForce("NEXUS").version() < 2) {
                long latency = driver.decideOne();
                during.add(latency);
                if (latency > SLOW_DECISION_NS) {
                    slow.add(String.format("%.1f ms at %.2f s", latency / 1e6, (System.nanoTime() - started) / 1e9));
                }
                // A busy lane decides a few times a minute; 200 a second still samples the apply densely
                // without taking a core from it.
                Thread.sleep(DECISION_PACING_MS);
                if (System.nanoTime() - started > TimeUnit.MINUTES.toNanos(10)) {
                    throw new IllegalStateException("the snapshot did not come into force in 10 minutes");
                }
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            long[] latencies = during.stream().mapToLong(Long::longValue).toArray();
            out.printf("snapshot of %d cards over MQTT (manifest to in force): %.1f s, from %.2f s of the JVM's uptime (for its GC log)%n",
                    cards, seconds, uptimeAtManifestMs / 1e3);
            out.printf("  decisions during it: %d, %s%n", latencies.length, Benchmarks.percentiles(latencies));
            out.printf("  decisions over %d ms: %d%s%n", SLOW_DECISION_NS / 1_000_000, slow.size(),
                    slow.isEmpty() ? "" : " (" + String.join(", ", slow.subList(0, Math.min(slow.size(), 100))) + ")");
            ListInfo list = store.inForce("NEXUS");
            out.printf("  in force: %s v%d, %d cards%n", list.program(), list.version(), list.entryCount());
            link.close();
            publisher.publish(central.listManifest("NEXUS"), new byte[0], 1, true);
            for (int i = 0; i < (cards + 9_999) / 10_000; i++) {
                publisher.publish(central.listChunk("NEXUS", i), new byte[0], 1, true);
            }
            publisher.disconnect();
            publisher.close();
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
