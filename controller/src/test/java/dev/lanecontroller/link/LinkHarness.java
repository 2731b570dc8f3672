package dev.lanecontroller.link;

import dev.lanecontroller.contract.EventWire;
import dev.lanecontroller.contract.LaneView;
import dev.lanecontroller.contract.StatusWire;
import dev.lanecontroller.contract.Topics;
import dev.lanecontroller.core.LaneMode;
import dev.lanecontroller.core.Now;
import dev.lanecontroller.hal.Backoff;
import dev.lanecontroller.store.EventDraft;
import dev.lanecontroller.store.Journal;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/** Builds a central link for a journal the test fills itself, against a test broker. */
final class LinkHarness {
    static final String SITE = "test-site";
    static final String LANE = "lane-01";

    private LinkHarness() {}

    static CentralLink link(String brokerUri, Journal journal, Inbound inbound, int window) throws Exception {
        return link(brokerUri, journal, inbound, window, LANE);
    }

    /** The link of lane {@code lane} of the test site, for tests with several lanes on one broker. */
    static CentralLink link(String brokerUri, Journal journal, Inbound inbound, int window, String lane) throws Exception {
        SplittableRandom random = new SplittableRandom(1);
        return link(brokerUri, journal, inbound, window, lane, new Backoff(50, 500, random::nextDouble));
    }

    /** With the reconnect backoff given (a measurement of the real defaults). */
    static CentralLink link(String brokerUri, Journal journal, Inbound inbound, int window, String lane, Backoff backoff) throws Exception {
        Topics topics = new Topics("lc/v1", SITE, lane);
        String journalId = journal.outbox().journalId();
        EventSync sync = new EventSync(journal.outbox(), new EventWire(SITE, lane, journalId), topics, window);
        return new CentralLink(new CentralLink.Parts(new PahoTransport(brokerUri, SITE + "-" + lane), topics,
                new StatusWire(SITE, lane, "boot-test", journalId, "test", 1_000), sync, journal.outbox(), inbound,
                () -> new LaneView(LaneMode.AUTOMATED.name(), List.of(), true), backoff,
                SITE + "-" + lane, 5, window, 1_000, null, System::currentTimeMillis));
    }

    static void append(Journal journal, int count, String type) {
        List<EventDraft> drafts = new java.util.ArrayList<>(count);
        Now now = new Now(System.nanoTime() / 1_000_000, System.currentTimeMillis(), true);
        for (int i = 0; i < count; i++) {
            drafts.add(new EventDraft(type, Map.of("n", i), now));
        }
        journal.append(drafts);
    }

    /** The real daemon in a JVM of its own (so SIGKILL is a real power cut), its output appended to {@code log}. */
    static Process daemon(java.nio.file.Path config, java.nio.file.Path log) throws java.io.IOException {
        return new ProcessBuilder(java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), dev.lanecontroller.cli.Main.class.getName(), "run", "--config", config.toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    }

    /** Live traffic: one DECISION journaled and announced every {@code periodMs}, on a thread of its own, until closed. */
    /**
     * What central does about holes in the sequence: asks once for each run of missing events
     * (REPLAY), and again when the lane answers BUSY (its queue of replays is full,
     * {@code EventSync.REPLAYS_QUEUED_MAX}); a run the lane can no longer send fails the test.
     */
    static void replayMissing(CentralLink link, List<Long> missing) {
        int i = 0;
        while (i < missing.size()) {
            long from = missing.get(i);
            long to = from;
            while (i + 1 < missing.size() && missing.get(i + 1) == to + 1) {
                to = missing.get(++i);
            }
            i++;
            long first = from;
            long last = to;
            org.junit.jupiter.api.Assertions.assertTrue(EventSyncTest.waitFor(() -> link.sync().requestReplay(first, last).queued(), 60_000),
                    "the lane queued the replay of " + first + ".." + last);
        }
    }

    static final class SteadyTraffic implements AutoCloseable {
        private final java.util.concurrent.atomic.AtomicBoolean producing = new java.util.concurrent.atomic.AtomicBoolean(true);
        private final java.util.concurrent.atomic.AtomicInteger produced = new java.util.concurrent.atomic.AtomicInteger();
        private final Thread thread;

        SteadyTraffic(Journal journal, CentralLink link, long periodMs) {
            thread = new Thread(() -> {
                while (producing.get()) {
                    append(journal, 1, "DECISION");
                    link.sync().wake();
                    produced.incrementAndGet();
                    EventSyncTest.sleep(periodMs);
                }
            }, "steady-traffic");
            thread.setDaemon(true); // a failed assertion must not leave it running
            thread.start();
        }

        int produced() {
            return produced.get();
        }

        /**
         * Waits until this traffic has produced {@code events} more, so a phase of a test has the traffic
         * it is about however slowly a loaded machine runs; false when that takes longer than the timeout.
         */
        boolean awaitMore(int events, long timeoutMs) {
            int target = produced.get() + events;
            return EventSyncTest.waitFor(() -> produced.get() >= target, timeoutMs);
        }

        @Override
        public void close() throws InterruptedException {
            producing.set(false);
            thread.join();
        }
    }
}
