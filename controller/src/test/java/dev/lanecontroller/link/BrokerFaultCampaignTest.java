package dev.lanecontroller.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanecontroller.pki.Tls;
import dev.lanecontroller.sim.BusyLane;
import dev.lanecontroller.store.Database;
import dev.lanecontroller.store.SqliteJournal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Broker faults under steady traffic, against Debian's Mosquitto (docs/reliability.md): at seeded
 * random moments the broker is killed (SIGKILL: it loses what it had not saved), stopped and
 * started (SIGTERM), or frozen (SIGSTOP: the lane's connection stays open and silently swallows
 * everything, a half-open connection) and thawed. The lane must notice each fault, reconnect, and
 * in the end central must hold every event once, in an intact chain; what a killed broker lost
 * after acknowledging it, central asks for again (the contract's REPLAY) and the lane still has.
 *
 * <p>{@code -Dlane.campaign.brokerFaults=N} (default 9, the CI's short campaign) and {@code
 * -Dlane.campaign.seed=S}; a failure names the seed that replays it.
 */
@Tag("campaign")
class BrokerFaultCampaignTest {
    private static final int SHORT_TRIALS = 9;

    @TempDir
    Path dir;

    @Test
    void everyEventReachesCentralThroughKilledStoppedAndFrozenBrokers() throws Exception {
        int trials = Integer.getInteger("lane.campaign.brokerFaults", SHORT_TRIALS);
        long seed = Long.getLong("lane.campaign.seed", 20_261_128L);
        SplittableRandom random = new SplittableRandom(seed);
        String replay = " (replay with -Dlane.campaign.seed=" + seed + " -Dlane.campaign.brokerFaults=" + trials + ")";
        int[] byKind = new int[3];
        List<Long> freezeDetectionMs = new ArrayList<>();
        long startNanos = System.nanoTime();
        try (MosquittoBroker broker = new MosquittoBroker(dir.resolve("broker"), TestBroker.freePort());
             SqliteJournal journal = new SqliteJournal(Database.open(dir.resolve("lane.db")), "boot-1")) {
            broker.start();
            try (CentralConsumer central = new CentralConsumer(broker.uri(), "central-faults", "lc/v1/+/+/events")) {
                CentralLink link = LinkHarness.link(broker.uri(), journal, Inbound.NONE, 64);
                link.start();
                LinkHarness.SteadyTraffic traffic = new LinkHarness.SteadyTraffic(journal, link, 10);
                for (int trial = 1; trial <= trials; trial++) {
                    String at = "trial " + trial + replay;
                    assertTrue(EventSyncTest.waitFor(link::isConnected, 30_000), "the lane is connected before " + at);
                    EventSyncTest.sleep(500 + random.nextInt(2_500));
                    int kind = random.nextInt(3);
                    byKind[kind]++;
                    long connectsBefore = link.connects();
                    switch (kind) {
                        case 0 -> {
                            broker.kill();
                            EventSyncTest.sleep(200 + random.nextInt(3_000));
                            broker.start();
                        }
                        case 1 -> {
                            broker.stop();
                            EventSyncTest.sleep(200 + random.nextInt(3_000));
                            broker.start();
                        }
                        default -> {
                            broker.freeze();
                            long frozenAt = System.nanoTime();
                            // Keepalive 5 s: Paho pings after 5 s without a word from the broker and gives up 5 s later.
                            boolean noticed = EventSyncTest.waitFor(() -> !link.isConnected(), 30_000);
                            freezeDetectionMs.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - frozenAt));
                            EventSyncTest.sleep(random.nextInt(3_000));
                            broker.thaw();
                            assertTrue(noticed, "the lane noticed the frozen broker (half-open connection) within 30 s, " + at);
                        }
                    }
                    assertTrue(EventSyncTest.waitFor(() -> link.isConnected() && link.connects() > connectsBefore, 60_000),
                            "the lane reconnected after " + List.of("SIGKILL", "SIGTERM", "SIGSTOP").get(kind) + ", " + at);
                }
                traffic.close();
                long last = journal.lastSeq();
                assertTrue(EventSyncTest.waitFor(() -> journal.outbox().unsentCount() == 0, 120_000), "the broker acknowledged every event" + replay);
                central.await(() -> central.distinctEvents() == last, 15_000);
                List<Long> lostByBroker = central.missing(last);
                // What a killed broker had acknowledged but not yet handed on: central asks again, the lane still has it.
                LinkHarness.replayMissing(link, lostByBroker);
                assertTrue(central.await(() -> central.distinctEvents() == last, 60_000),
                        "missing at central after the replays: " + central.missing(last) + replay);
                assertEquals(0, central.reusedSeqs(), replay);
                assertTrue(central.chainIntact(), "the chain at central" + replay);
                link.close();
                CampaignReport.row("broker-faults", "broker killed, stopped, frozen", CampaignReport.size(trials, SHORT_TRIALS) + ", seed " + seed,
                        String.format(Locale.ROOT, "%d faults (%d SIGKILL, %d SIGTERM+restart, %d SIGSTOP, each noticed by the lane in %.1f–%.1f s); "
                                        + "%d events journaled, %d at central, 0 missing, 0 reused, chain intact; %d acknowledged by a "
                                        + "killed broker and lost there, all replayed from the lane's journal", trials, byKind[0], byKind[1],
                                byKind[2], freezeDetectionMs.stream().mapToLong(Long::longValue).min().orElse(0) / 1000.0,
                                freezeDetectionMs.stream().mapToLong(Long::longValue).max().orElse(0) / 1000.0, last, central.distinctEvents(), lostByBroker.size()),
                        TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - startNanos));
            }
        }
    }

    /**
     * The broker refuses the lane's certificate (issued by a CA it does not trust: a lane
     * provisioned against the wrong site, or a certificate replaced in a hurry). The lane keeps
     * deciding and journaling, counts the refusals, and once a technician installs the right
     * certificate and restarts it, central gets every event of the refused time.
     */
    @Test
    void eventsJournaledWhileTheBrokerRefusedTheLanesCertificateArriveOnceItIsReplaced() throws Exception {
        TestPki pki = TestPki.forLane(dir.resolve("pki"));
        TestPki wrongPki = new TestPki(dir.resolve("wrong-pki"));
        wrongPki.issue("lane", "test-site-lane-07", null);
        String tls = pki.mosquittoTls();
        Path laneDir = dir.resolve("lane");
        long startNanos = System.nanoTime();
        try (MosquittoBroker broker = new MosquittoBroker(dir.resolve("broker"), TestBroker.freePort(), tls)) {
            broker.start();
            try (CentralConsumer central = new CentralConsumer(broker.uri(),
                    Tls.socketFactory(pki.file("ca.pem"), pki.file("central.pem"), pki.file("central.key")), "central-tls", "lc/v1/+/+/events")) {
                long refusedFailures;
                try (LaneFixture refused = new LaneFixture(laneDir, broker.uri(), 120_000, pki.file("ca.pem"), wrongPki.file("lane.pem"),
                        wrongPki.file("lane.key"))) {
                    for (int i = 0; i < 20; i++) {
                        LinkHarness.append(refused.journal, 10, "DECISION");
                        EventSyncTest.sleep(150);
                    }
                    assertTrue(EventSyncTest.waitFor(() -> refused.link.link().connectFailures() >= 3, 30_000), "the broker refused the lane");
                    assertEquals(0, refused.link.link().connects(), "a certificate the broker's CA did not sign never gets in");
                    assertEquals(refused.journal.lastSeq(), refused.journal.outbox().unsentCount(), "everything is kept for central");
                    refusedFailures = refused.link.link().connectFailures();
                }
                try (LaneFixture fixed = new LaneFixture(laneDir, broker.uri(), 120_000, pki.file("ca.pem"), pki.file("lane.pem"),
                        pki.file("lane.key"))) {
                    LinkHarness.append(fixed.journal, 10, "DECISION");
                    fixed.link.link().sync().wake();
                    long last = fixed.journal.lastSeq();
                    assertTrue(central.await(() -> central.distinctEvents() >= last, 60_000), "missing: " + central.missing(last));
                    assertEquals(List.of(), central.missing(last));
                    assertTrue(central.chainIntact());
                    CampaignReport.row("refused-certificate", "broker refuses the lane's certificate", "1 run",
                            String.format(Locale.ROOT, "%d connection attempts refused; %d events journaled meanwhile and after, all %d at "
                                    + "central once the right certificate was installed, 0 missing, chain intact", refusedFailures, last,
                                    central.distinctEvents()), TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - startNanos));
                }
            }
        }
    }

    /**
     * Central unreachable for hours of virtual time under steady traffic (the real core and shell,
     * SQLite journal, simulated lane): the journal grows, the backlog alarm rises at each
     * configured threshold at the first check that reaches it, and nothing is dropped. Then the
     * broker comes back: the backlog drains with live events overtaking it, and the alarm clears.
     *
     * <p>{@code -Dlane.campaign.outageHours=H} (default 4).
     */
    @Test
    void hoursWithoutCentralGrowTheJournalRaiseTheAlarmsOnTimeAndDrainAfterwards() throws Exception {
        int hours = Integer.getInteger("lane.campaign.outageHours", 4);
        long seed = Long.getLong("lane.campaign.seed", 20_261_128L);
        String replay = " (replay with -Dlane.campaign.seed=" + seed + " -Dlane.campaign.outageHours=" + hours + ")";
        long[] eventThresholds = {1_000, 2_000, 20_000};
        long[] ageThresholdsMs = {15 * 60_000L, 60 * 60_000L, 180 * 60_000L};
        long startNanos = System.nanoTime();
        try (SqliteJournal journal = new SqliteJournal(Database.open(dir.resolve("lane.db")), "boot-outage")) {
            BusyLane lane = new BusyLane(journal, seed);
            BacklogWatch watch = new BacklogWatch(journal.outbox(), eventThresholds, ageThresholdsMs, lane::record, () -> lane.sim.now().wallMs());
            List<long[]> checks = new ArrayList<>(); // unsent, oldest age, events level, age level after the check
            List<BacklogAlarm.Change> raised = new ArrayList<>();
            for (int minute = 1; minute <= hours * 60; minute++) {
                lane.runUntil(minute * 60_000L);
                long unsent = journal.outbox().unsentCount();
                long ageMs = lane.sim.now().wallMs() - journal.outbox().unsent(0, 1).get(0).wallMs();
                for (BacklogAlarm.Change change : watch.check()) {
                    assertTrue(change.level() > 0, "no alarm clears while central is away" + replay);
                    raised.add(change);
                    long measured = change.measure().equals("events") ? unsent : ageMs;
                    long[] thresholds = change.measure().equals("events") ? eventThresholds : ageThresholdsMs;
                    long previous = checks.isEmpty() ? 0 : checks.get(checks.size() - 1)[change.measure().equals("events") ? 0 : 1];
                    assertEquals(thresholds[change.level() - 1], change.threshold(), replay);
                    assertTrue(measured >= change.threshold() && previous < change.threshold(),
                            change + " was raised at the first check that reached its threshold (minute " + minute + ")" + replay);
                }
                checks.add(new long[] {unsent, ageMs});
            }
            long backlog = journal.lastSeq();
            long[] lastCheck = checks.get(checks.size() - 1);
            int expectedAlarms = 0;
            for (long threshold : eventThresholds) {
                expectedAlarms += lastCheck[0] >= threshold ? 1 : 0;
            }
            for (long threshold : ageThresholdsMs) {
                expectedAlarms += lastCheck[1] >= threshold ? 1 : 0;
            }
            assertEquals(expectedAlarms, raised.size(), "one alarm per threshold reached: " + raised + replay);
            assertTrue(expectedAlarms >= 4, "the outage reached at least two thresholds of each measure: " + raised + replay);
            assertEquals(backlog, journal.outbox().unsentCount(), "nothing was dropped while central was away" + replay);
            assertEquals(raised.size(), lane.events("CENTRAL_BACKLOG"), "every alarm is journaled as an alert" + replay);

            // Central is back: the backlog drains while live events keep coming, and overtake it.
            try (MosquittoBroker broker = new MosquittoBroker(dir.resolve("broker"), TestBroker.freePort())) {
                broker.start();
                try (CentralConsumer central = new CentralConsumer(broker.uri(), "central-outage", "lc/v1/+/+/events")) {
                    CentralLink link = LinkHarness.link(broker.uri(), journal, Inbound.NONE, 256);
                    link.start();
                    assertTrue(EventSyncTest.waitFor(link::isConnected, 30_000), "the lane connected" + replay);
                    long drainStart = System.nanoTime(); // the drain rate counts from the connection, as the benchmark does
                    LinkHarness.SteadyTraffic traffic = new LinkHarness.SteadyTraffic(journal, link, 20); // a busy lane's pace, and then some
                    while (journal.outbox().unsentCount() > 0 && journal.outbox().oldestUnsentSeq() <= backlog
                            && System.nanoTime() - drainStart < TimeUnit.MINUTES.toNanos(2)) {
                        Thread.onSpinWait();
                    }
                    long drainedNanos = System.nanoTime() - drainStart;
                    traffic.close();
                    int live = traffic.produced();
                    assertTrue(central.await(() -> central.missing(backlog).isEmpty(), 120_000), "the backlog drained" + replay);
                    double drainSeconds = drainedNanos / 1e9;
                    long last = journal.lastSeq();
                    assertTrue(central.await(() -> central.distinctEvents() >= last, 60_000), "missing: " + central.missing(last) + replay);
                    assertTrue(EventSyncTest.waitFor(() -> journal.outbox().unsentCount() == 0, 60_000), replay);
                    int lastBacklogArrival = 0;
                    int firstLiveArrival = Integer.MAX_VALUE;
                    List<com.fasterxml.jackson.databind.JsonNode> arrivals = central.arrivals();
                    for (int i = 0; i < arrivals.size(); i++) {
                        if (arrivals.get(i).get("seq").asLong() <= backlog) {
                            lastBacklogArrival = i;
                        } else {
                            firstLiveArrival = Math.min(firstLiveArrival, i);
                        }
                    }
                    assertTrue(live > 0 && firstLiveArrival < lastBacklogArrival, "live events did not wait for the backlog" + replay);
                    assertTrue(central.chainIntact(), replay);
                    List<BacklogAlarm.Change> cleared = watch.check();
                    assertEquals(2, cleared.size(), "both alarms clear once the backlog is through: " + cleared + replay);
                    assertEquals(0, watch.level());
                    link.close();
                    CampaignReport.row("long-outage", "central unreachable for hours", CampaignReport.size(hours, 4) + " (" + hours
                                    + " h of virtual time, " + (int) BusyLane.VEHICLES_PER_HOUR + " vehicles/h), seed " + seed,
                            String.format(Locale.ROOT, "%d events journaled during the outage, 0 dropped; %d alarms raised, each at the first "
                                            + "check (once a virtual minute) that reached its threshold (%s events, %s minutes); afterwards "
                                            + "the backlog drained at %,.0f events/s (connected to acknowledged by Mosquitto) with %d live events overtaking it; "
                                            + "all %d at central, 0 missing, chain intact; both alarms cleared", backlog, raised.size(),
                                    java.util.Arrays.toString(eventThresholds),
                                    java.util.Arrays.toString(java.util.Arrays.stream(ageThresholdsMs).map(ms -> ms / 60_000).toArray()),
                                    backlog / drainSeconds, live, last),
                            TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - startNanos));
                }
            }
        }
    }
}
