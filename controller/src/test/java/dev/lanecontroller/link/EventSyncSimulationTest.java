package dev.lanecontroller.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanecontroller.contract.EventWire;
import dev.lanecontroller.contract.LaneView;
import dev.lanecontroller.contract.StatusWire;
import dev.lanecontroller.contract.Topics;
import dev.lanecontroller.core.LaneMode;
import dev.lanecontroller.core.Now;
import dev.lanecontroller.hal.Backoff;
import dev.lanecontroller.hal.sim.VirtualScheduler;
import dev.lanecontroller.store.Database;
import dev.lanecontroller.store.EventDraft;
import dev.lanecontroller.store.SimulatedJournals;
import dev.lanecontroller.store.SqliteJournal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The central link (CentralLink: connect, backoff, status, the acknowledgement timeout), the event
 * sync and the real SQLite journal under a simulated broker behind the link's MqttTransport, in
 * virtual time, seeded (issue 18, a first piece of the whole-system simulation): the broker refuses
 * connects, delays, reorders, duplicates and drops messages, acknowledges some and then loses them
 * (killed after its PUBACK), and the network drops the connection, all drawn from the seed, while
 * the lane journals events.
 * Central dedupes by sequence number and asks for its holes again (REPLAY), as
 * docs/mqtt-contract.md says it does. Once the broker is healthy, every journaled event reached
 * central, each with the hash of its one journal row, and the outbox is empty. Before central
 * asks for its last holes, the sync alone (the lane still journaling) must empty its outbox, and
 * central may then lack only events a broker acknowledged and lost: central's replays also mark
 * events sent, and would otherwise hide a sync that skipped some. This covers the link's and the sync's steps;
 * their threads, the real client and the real broker are the real-broker tests' (EventSyncTest,
 * BrokerFaultCampaignTest).
 *
 * <p>A failure names its seed; {@code -Dlane.seed=N} runs that seed alone, exactly again;
 * {@code -Dlane.simulation.seeds=N} runs seeds 1..N. DESIGN §7's rule that an event counts as
 * sent only on its PUBACK is checked every 5 simulated seconds.
 */
class EventSyncSimulationTest {
    /** Seeds in a default run; the long campaign passes more with -Dlane.simulation.seeds=N. */
    private static final int SEEDS = Integer.getInteger("lane.simulation.seeds", 12);
    private static final long TICK_MS = 10;
    /** The link's keepalive: with no PUBACK for twice this, it drops the connection. */
    private static final int KEEPALIVE_S = 1;
    private static final long HEARTBEAT_MS = 10_000;
    private static final long FAULTY_MS = 120_000;
    private static final long HEALTHY_LIMIT_MS = 600_000;

    /** The broker's doings over every seed of a run, for the figures in docs/reliability.md. */
    private static final Map<String, Long> TOTALS = new java.util.TreeMap<>();

    @TempDir
    Path dir;

    @Test
    void everyJournaledEventReachesCentralOnceDedupedWhateverTheBrokerDoes() throws Exception {
        String only = System.getProperty("lane.seed");
        if (only != null) {
            simulate(Long.parseLong(only));
            return;
        }
        long total = 0;
        long started = System.nanoTime();
        for (long seed = 1; seed <= SEEDS; seed++) {
            total += simulate(seed);
        }
        assertTrue(total > SEEDS * 100L, "the seeds journaled " + total + " events in all");
        CampaignReport.row("event-sync-simulation", "the central link and event sync under a simulated broker",
                String.format(java.util.Locale.ROOT, "%,d seeds (`-Dlane.simulation.seeds=%d`), 2 simulated minutes of faults each", SEEDS, SEEDS),
                String.format(java.util.Locale.ROOT, "%,d events journaled, %,d publishes; %,d delivered twice, %,d lost before the broker, "
                        + "%,d acknowledged and then lost, %,d connections dropped by the network; the link: %,d connects, %,d refused, "
                        + "%,d dropped for no PUBACK, %,d statuses; every event at central once after dedupe, as journaled; "
                        + "0 marked sent without a PUBACK; every outbox empty", total, TOTALS.getOrDefault("publishes", 0L),
                        TOTALS.getOrDefault("delivered twice", 0L), TOTALS.getOrDefault("lost before the broker", 0L),
                        TOTALS.getOrDefault("acknowledged, then lost", 0L), TOTALS.getOrDefault("disconnects", 0L),
                        TOTALS.getOrDefault("connects", 0L), TOTALS.getOrDefault("refused connects", 0L),
                        TOTALS.getOrDefault("dropped for no PUBACK", 0L), TOTALS.getOrDefault("statuses", 0L)),
                (System.nanoTime() - started) / 1_000_000_000L);
    }

    /** One seeded run; returns the events journaled. */
    private long simulate(long seed) throws Exception {
        String replay = " (seed " + seed + "; run it alone with -Dlane.seed=" + seed + ")";
        SplittableRandom random = new SplittableRandom(seed);
        VirtualScheduler time = new VirtualScheduler(0);
        try (SqliteJournal journal = SimulatedJournals.open(Database.open(dir.resolve("sim-" + seed + ".db")), "sim-" + seed,
                () -> time.nowMs() * 1_000_000)) {
            String journalId = journal.outbox().journalId();
            EventSync sync = new EventSync(journal.outbox(), new EventWire("sim", "lane-01", journalId), Topics.lane("lc/v1", "sim", "lane-01"),
                    1 + random.nextInt(64), () -> time.nowMs() * 1_000_000, false);
            SimulatedCentral central = new SimulatedCentral();
            Topics topics = Topics.lane("lc/v1", "sim", "lane-01");
            SimulatedBroker broker = new SimulatedBroker(time, random, topics, central);
            CentralLink link = new CentralLink(new CentralLink.Parts(broker, topics,
                    new StatusWire("sim", "lane-01", "sim-" + seed, journalId, "test", HEARTBEAT_MS), sync, journal.outbox(), Inbound.NONE,
                    () -> new LaneView(LaneMode.AUTOMATED.name(), List.of(), true), new Backoff(100, 5_000, random::nextDouble), "sim-lane-01",
                    KEEPALIVE_S, 64, HEARTBEAT_MS, null, () -> 1_800_000_000_000L + time.nowMs()), () -> time.nowMs() * 1_000_000);
            boolean[] faulty = {true};
            boolean[] journaling = {true};
            boolean[] centralAsks = {true};

            // The lane: events at random moments, one step's worth at a time.
            Runnable[] lane = new Runnable[1];
            lane[0] = () -> {
                if (!journaling[0]) {
                    return;
                }
                int events = 1 + random.nextInt(3);
                List<EventDraft> drafts = new ArrayList<>();
                for (int i = 0; i < events; i++) {
                    drafts.add(new EventDraft(random.nextInt(10) == 0 ? "TAMPER" : "PASSAGE", Map.of("n", random.nextInt(1_000)),
                            new Now(time.nowMs(), 1_800_000_000_000L + time.nowMs(), true)));
                }
                journal.append(drafts);
                sync.wake();
                time.after(random.nextInt(2_000), lane[0]);
            };
            time.after(0, lane[0]);
            // The link, the real CentralLink's steps: connects after its backoff, publishes its status,
            // drops a connection whose PUBACKs stopped coming (twice the keepalive). The network drops some.
            Runnable[] tick = new Runnable[1];
            tick[0] = () -> {
                broker.faulty = faulty[0];
                link.turn();
                if (time.nowMs() % 1_000 == 0) {
                    SimulatedJournals.housekeep(journal); // the journal's second of housekeeping, in virtual time
                }
                if (faulty[0] && broker.connected() && random.nextInt(1_500) == 0) {
                    broker.drop("the network");
                }
                time.after(TICK_MS, tick[0]);
            };
            time.after(0, tick[0]);
            // Central: asks for what it is missing every few seconds, as its hole detection would.
            Runnable[] holes = new Runnable[1];
            holes[0] = () -> {
                // DESIGN §7: an event counts as sent only once the broker acknowledged it.
                java.util.Set<Long> unsent = new java.util.HashSet<>();
                journal.outbox().unsent(0, 10_000).forEach(entry -> unsent.add(entry.seq()));
                for (long seq = 1; seq <= journal.lastSeq(); seq++) {
                    if (!unsent.contains(seq) && !broker.acknowledged.get((int) seq)) {
                        throw new AssertionError("event " + seq + " marked sent without a PUBACK at " + time.nowMs() + " ms" + replay);
                    }
                }
                if (centralAsks[0]) {
                    for (long[] hole : central.holes(journal.lastSeq(), time.nowMs())) {
                        sync.requestReplay(hole[0], hole[1]);
                    }
                }
                time.after(5_000, holes[0]);
            };
            time.after(5_000, holes[0]);

            runUntil(time, FAULTY_MS);
            // Healed, the lane still journaling and central not asking for anything: the sync alone
            // must empty its outbox, and central then lacks only events a broker acknowledged and lost.
            faulty[0] = false;
            centralAsks[0] = false;
            broker.heal();
            runUntil(time, time.nowMs() + 20_000);
            journaling[0] = false;
            long last = journal.lastSeq();
            long deadline = time.nowMs() + HEALTHY_LIMIT_MS;
            while (time.nowMs() < deadline && journal.outbox().unsentCount() > 0) {
                runUntil(time, time.nowMs() + 1_000);
            }
            assertEquals(0, journal.outbox().unsentCount(), "the sync emptied its outbox by itself; broker: " + broker.counts() + replay);
            runUntil(time, time.nowMs() + 1_000); // the last deliveries land
            for (long seq = 1; seq <= last; seq++) {
                assertTrue(central.has(seq) || broker.lostAfterAck.get((int) seq),
                        "event " + seq + " marked sent but never at central, and no broker lost it" + replay);
            }
            // Then central asks for its holes, as it does.
            centralAsks[0] = true;
            while (time.nowMs() < deadline && central.received() < last) {
                runUntil(time, time.nowMs() + 1_000);
            }
            String state = "central has " + central.received() + " of " + last + ", missing " + central.missing(last) + "; outbox "
                    + journal.outbox().unsentCount() + " unsent; broker: " + broker.counts() + replay;
            assertEquals(last, central.received(), state);
            assertEquals(0, journal.outbox().unsentCount(), state);
            for (long seq = 1; seq <= last; seq++) {
                assertEquals(SimulatedCentral.prefix(journal.read(seq - 1, 1).get(0).hash()), central.hash(seq), "event " + seq + " as journaled" + replay);
            }
            assertTrue(broker.faults() > 0, "the seed drew faults: " + broker.counts() + replay);
            assertTrue(broker.count("statuses") >= link.connects(), "a status on every connection: " + broker.counts() + replay);
            broker.count("connects", link.connects());
            broker.count("refused connects", link.connectFailures());
            broker.count("dropped for no PUBACK", link.acknowledgementTimeouts());
            broker.counts().forEach((what, count) -> TOTALS.merge(what, count, Long::sum));
            return last;
        }
    }

    private static void runUntil(VirtualScheduler time, long untilMs) {
        while (time.runNext(untilMs)) {
            // each task schedules what follows it
        }
        time.advanceTo(Math.max(time.nowMs(), untilMs));
    }
}
