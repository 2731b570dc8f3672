package dev.lanecontroller.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.lanecontroller.config.CentralSettings;
import dev.lanecontroller.contract.CommandWire;
import dev.lanecontroller.contract.LaneView;
import dev.lanecontroller.contract.ListWire;
import dev.lanecontroller.contract.SignedEnvelope;
import dev.lanecontroller.contract.Topics;
import dev.lanecontroller.core.CommandKind;
import dev.lanecontroller.core.LaneInput;
import dev.lanecontroller.core.ListInfo;
import dev.lanecontroller.core.Phase;
import dev.lanecontroller.pki.Ed25519Keys;
import dev.lanecontroller.sim.RandomLane;
import dev.lanecontroller.sim.Simulation;
import dev.lanecontroller.store.CardRecord;
import dev.lanecontroller.store.ClearanceLookup;
import dev.lanecontroller.store.ClearanceStore;
import dev.lanecontroller.store.Database;
import dev.lanecontroller.store.FaultyJournal;
import dev.lanecontroller.store.Journal;
import dev.lanecontroller.store.JournalEntry;
import dev.lanecontroller.store.NonceStore;
import dev.lanecontroller.store.SimulatedJournals;
import dev.lanecontroller.store.SqliteJournal;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole lane in one seeded simulation (issue 18): the seeded random lane (the real core and
 * shell with their SafetyMonitor, simulated devices, traffic with every driver behaviour, injected
 * device faults, officers, technicians and supervisors) journaling into the real SQLite journal;
 * the real link as the daemon assembles it ({@link LaneLink}: event sync, commands, lists, status)
 * stepped in virtual time; a simulated broker that refuses connects, delays, reorders, duplicates,
 * drops and loses messages both ways; central, which signs every person's command, asks for its
 * holes again (REPLAY), and also sends forged, tampered, misaddressed, stale and replayed commands;
 * the journal's disk filling up and failing to read; and power cuts at any moment, after which the
 * lane starts again on what its store durably holds.
 *
 * <p>Checked throughout: DESIGN §5's invariants (the SafetyMonitor, after every step), each event
 * central receives twice is the same event (no sequence number used twice, across power cuts too).
 * Checked at the end, once the faults stop: every journaled event reached central and is there as
 * journaled, the hash chain unbroken; the outbox is empty; no event was marked sent without a
 * PUBACK; every command the lane received was one central signed for it, received once; no forged
 * one took effect; and the random lane's own record (every close tailgater with a readable plate
 * flagged, the lane at rest).
 *
 * <p>A failure names its seed; {@code -Dlane.seed=N} runs that seed alone, exactly again.
 * {@code -Dlane.wholeLane.seeds=N} and {@code -Dlane.wholeLane.vehicles=M} set the run's size (the
 * long campaign's is in .ci/campaign).
 */
class WholeLaneSimulationTest {
    private static final int SEEDS = Integer.getInteger("lane.wholeLane.seeds", 3);
    private static final int VEHICLES = Integer.getInteger("lane.wholeLane.vehicles", 400);
    /**
     * Lane time between power cuts, on average. The random lane passes a vehicle every half
     * minute or so (faults, closures and officers included): the long campaign's 50 minutes make
     * about 10,000 cuts in a million vehicles; the default run cuts more often.
     */
    private static final long MEAN_MS_BETWEEN_CUTS = 60_000L * Integer.getInteger("lane.wholeLane.minutesBetweenCuts", 10);
    private static final String SITE = "sim";
    private static final String LANE = "lane-random";
    private static final long COMMAND_MAX_AGE_MS = 120_000;
    private static final Map<String, Long> TOTALS = new TreeMap<>();
    /** Central changes its list every 1 to 2 hours of lane time (and now and then twice within a minute). */
    private static final long LIST_CHANGE_MS = 3_600_000L;
    private static final KeyPair CENTRAL_KEY = Ed25519Keys.generate();
    private static final KeyPair STRANGER_KEY = Ed25519Keys.generate();
    private static final KeyPair LIST_KEY = Ed25519Keys.generate();
    private static final String PROGRAM = "NEXUS";
    private static final int CHUNK_CARDS = 500;

    @TempDir
    Path dir;

    /** Held while the run lasts: the link logs every simulated fault, thousands a run. */
    private static final java.util.logging.Logger QUIET = java.util.logging.Logger.getLogger("dev.lanecontroller");

    @Test
    void theWholeLaneKeepsItsPromisesWhateverFails() throws Exception {
        java.util.logging.Level level = QUIET.getLevel();
        QUIET.setLevel(java.util.logging.Level.OFF);
        try {
            run();
        } finally {
            QUIET.setLevel(level);
        }
    }

    private void run() throws Exception {
        CentralSettings settings = settings();
        String only = System.getProperty("lane.seed");
        long started = System.nanoTime();
        long vehicles = 0;
        if (only != null) {
            vehicles += simulate(Long.parseLong(only), settings);
        } else {
            for (long seed = 1; seed <= SEEDS; seed++) {
                vehicles += simulate(seed, settings);
            }
        }
        assertTrue(TOTALS.getOrDefault("power cuts", 0L) > 0, "the run cut the power: " + TOTALS);
        assertTrue(TOTALS.getOrDefault("signed commands received", 0L) > 0, "commands reached the lane through the link: " + TOTALS);
        assertTrue(TOTALS.getOrDefault("list versions applied", 0L) > 0, "lists reached the lane through the link: " + TOTALS);
        assertTrue(TOTALS.getOrDefault("journal writes refused", 0L) > 0 && TOTALS.getOrDefault("journal reads failed", 0L) > 0,
                "the disk faults hit the journal: " + TOTALS);
        assertTrue(TOTALS.getOrDefault("forgeries refused", 0L) > 0, "forged commands reached the lane and were refused: " + TOTALS);
        CampaignReport.row("whole-lane-simulation", "the whole lane (lane, link, store, broker, central) under every simulated fault",
                String.format(Locale.ROOT, "%,d seeds of %,d vehicles (`-Dlane.wholeLane.seeds=%d -Dlane.wholeLane.vehicles=%d`)",
                        only == null ? SEEDS : 1, VEHICLES, only == null ? SEEDS : 1, VEHICLES),
                String.format(Locale.ROOT, "%,d vehicles, %,d events journaled, %,d power cuts, %,d disk-full and %,d read-error spells; "
                                + "broker: %,d event publishes, %,d delivered twice, %,d lost before it, %,d acknowledged then lost, %,d connections "
                                + "dropped, %,d wills; commands: %,d signed by central and received once each, %,d replays asked for, %,d forged, "
                                + "tampered, misaddressed, stale or replayed (none took effect); lists: %,d deltas and %,d snapshots signed by central, "
                                + "%,d forged (none took effect), %,d versions applied, the lane on central's last version at the end; %,d close tailgaters "
                                + "under the arm just before a cut not held to the record (their passage died with the process); every invariant held after every step, every "
                                + "event at central once as journaled, the chain unbroken, 0 marked sent without a PUBACK",
                        vehicles, TOTALS.getOrDefault("events", 0L), TOTALS.getOrDefault("power cuts", 0L),
                        TOTALS.getOrDefault("disk full", 0L), TOTALS.getOrDefault("read errors", 0L), TOTALS.getOrDefault("publishes", 0L),
                        TOTALS.getOrDefault("delivered twice", 0L), TOTALS.getOrDefault("lost before the broker", 0L),
                        TOTALS.getOrDefault("acknowledged, then lost", 0L), TOTALS.getOrDefault("disconnects", 0L),
                        TOTALS.getOrDefault("wills", 0L), TOTALS.getOrDefault("signed commands received", 0L),
                        TOTALS.getOrDefault("replays asked", 0L), TOTALS.getOrDefault("forged commands", 0L),
                        TOTALS.getOrDefault("list deltas", 0L), TOTALS.getOrDefault("list snapshots", 0L), TOTALS.getOrDefault("forged lists", 0L),
                        TOTALS.getOrDefault("list versions applied", 0L), TOTALS.getOrDefault("close tailgaters cut short", 0L)),
                (System.nanoTime() - started) / 1_000_000_000L);
    }

    private long simulate(long seed, CentralSettings settings) throws Exception {
        World world = new World(seed, settings, databaseDir().resolve("lane-" + seed + ".db"));
        try {
            long started = System.nanoTime();
            RandomLane.Result result = new RandomLane(seed, null, world).run(VEHICLES);
            world.finish(result);
            System.out.printf(Locale.ROOT, "whole lane, seed %d: %,d vehicles, %.1f lane hours, %s; %.1f s%n", seed, result.vehicles(),
                    result.laneTimeMs() / 3_600_000.0, world.counts, (System.nanoTime() - started) / 1e9);
            return result.vehicles();
        } catch (AssertionError | RuntimeException e) {
            fail("seed " + seed + " (run it alone with -Dlane.seed=" + seed + " -Dlane.wholeLane.vehicles=" + VEHICLES
                    + " -Dlane.wholeLane.minutesBetweenCuts=" + MEAN_MS_BETWEEN_CUTS / 60_000 + "): " + e.getMessage(), e);
            throw e;
        } finally {
            world.close();
        }
    }

    /**
     * In memory when the machine has /dev/shm: the run commits hundreds of thousands of times with
     * synchronous=FULL, and SQLite's own durability is not what it tests (the SIGKILL campaign does).
     */
    private Path databaseDir() throws IOException {
        Path shm = Path.of("/dev/shm");
        if (Files.isDirectory(shm) && Files.isWritable(shm)) {
            if (memoryDir == null) {
                memoryDir = Files.createTempDirectory(shm, "whole-lane-");
            }
            return memoryDir;
        }
        return dir;
    }

    private Path memoryDir;

    @org.junit.jupiter.api.AfterEach
    void removeMemoryDir() throws IOException {
        if (memoryDir != null) {
            try (var files = Files.walk(memoryDir)) {
                for (Path file : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(file);
                }
            }
        }
    }

    private CentralSettings settings() throws IOException {
        Ed25519Keys.writePublic(CENTRAL_KEY.getPublic(), dir.resolve("commands.pub"));
        Ed25519Keys.writePublic(LIST_KEY.getPublic(), dir.resolve("lists.pub"));
        return new CentralSettings("tcp://simulated:1883", SITE, "lc/v1", SITE + "-" + LANE, null, null, null, true, 5, 30_000, 64, 100, 5_000,
                COMMAND_MAX_AGE_MS, Map.of("central-lists", dir.resolve("lists.pub")), Map.of("central-ops", dir.resolve("commands.pub")),
                List.of(), List.of());
    }

    /** Everything around the random lane: its store, its link, the broker and central, and the faults among them. */
    private static final class World implements RandomLane.Surroundings {
        private final long seed;
        private final CentralSettings settings;
        private final Path databaseFile;
        private final SplittableRandom random;
        private final Topics topics = Topics.lane("lc/v1", SITE, LANE);
        private final SimulatedCentral central = new SimulatedCentral();
        private final Map<String, Long> counts = new TreeMap<>();
        /** Every command id central signed for this lane, and the bytes of the last one (to replay). */
        private final Set<String> signed = new HashSet<>();
        private byte[] lastSealed;
        private final Map<String, Unanswered> unanswered = new java.util.LinkedHashMap<>();
        private long commandsMade;
        private SimulatedBroker broker;
        private RandomLane lane;
        private Simulation sim;
        private boolean settled;
        // What lives in the lane's process: made again after every power cut.
        private final FaultyJournal.Disk disk = new FaultyJournal.Disk();
        /** Every command id that reached the lane's inbox, across power cuts. */
        private final Set<String> commandsAtLane = new HashSet<>();
        /** Each RELEASE and CONFIRM: the vehicle the officer meant (the lane's life, the transaction), null for none. */
        private final Map<String, String> meantFor = new HashMap<>();
        private long lanesStarted;
        private final SplittableRandom backoffRandom;
        /** Central asks for its holes (REPLAY); not while the end checks that the sync alone delivers. */
        private boolean centralAsks = true;
        private long marksCheckedThroughSeq;
        private long writesRefused;
        private long readsFailed;
        private long marksRefused;
        private SqliteJournal store;
        private FaultyJournal journal;
        private NonceStore nonces;
        private ClearanceStore lists;
        private LaneLink link;
        private int boots;
        private long driverAtMs = Long.MAX_VALUE;
        // Central's list: its cards, its version, every version it published with its entry count.
        private final TreeMap<String, CardRecord> centralCards = new TreeMap<>();
        private final List<CardRecord> revoked = new ArrayList<>();
        private final Map<Long, Long> published = new TreeMap<>();
        private long listVersion;
        private long lastSnapshotAtMs = Long.MIN_VALUE / 2;
        private int chunksPublished;
        private long holesUpToSeq;

        World(long seed, CentralSettings settings, Path databaseFile) {
            this.seed = seed;
            this.settings = settings;
            this.databaseFile = databaseFile;
            this.random = new SplittableRandom(seed ^ 0x2545F4914F6CDD1DL);
            this.backoffRandom = new SplittableRandom(seed ^ 0x632BE59BD9B4E019L);
        }

        private long nowMs() {
            return sim == null ? Simulation.START_MONO_MS : sim.scheduler.nowMs();
        }

        @Override
        public ClearanceLookup lists(ListInfo first, List<CardRecord> cards) {
            if (store == null) {
                openStore();
            }
            // Central's list, and the lane's first version of it, imported as a technician would.
            assertEquals(PROGRAM, first.program(), "the random lane's program");
            cards.forEach(card -> centralCards.put(card.epcHex(), card));
            listVersion = first.version();
            published.put(listVersion, (long) centralCards.size());
            try {
                lists.importList(PROGRAM, listVersion, first.issuedWallMs(), first.expiresWallMs(), first.issuedWallMs(), sink -> {
                    cards.forEach(sink);
                    return cards.size();
                });
            } catch (IOException e) {
                throw new AssertionError("the first list could not be imported: " + e.getMessage(), e);
            }
            return lists;
        }

        @Override
        public Journal journal() {
            if (store == null) {
                openStore();
            }
            return journal;
        }

        /** The daemon's stores, opened on what the database file holds, as the daemon starts (part files of a cut build removed). */
        private void openStore() {
            boots++;
            Database database = Database.open(databaseFile);
            store = SimulatedJournals.open(database, "boot-" + seed + "-" + boots, () -> nowMs() * 1_000_000);
            journal = new FaultyJournal(store, disk);
            nonces = new NonceStore(database);
            lists = new ClearanceStore(database);
            lists.dropOrphanTables();
        }

        @Override
        public void attach(RandomLane randomLane, Simulation simulation) {
            lane = randomLane;
            sim = simulation;
            broker = new SimulatedBroker(sim.scheduler, new SplittableRandom(seed ^ 0xD1B54A32D192ED03L), topics, central);
            broker.onActivity(this::poke);
            broker.onRequest(this::snapshotRequested);
            publishSnapshot();
            link = newLink();
            poke();
            every(1_000, () -> SimulatedJournals.housekeep(store));
            every(10_000, () -> {
                link.retryHeldEvents();
                link.backlog().check();
            });
            every(5_000, this::askForHoles);
            every(10_000, this::sendAgain);
            later(1_000, this::networkTrouble);
            later(60_000, this::brokerMood);
            later(60_000, this::diskTrouble);
            later(30_000, this::forge);
            later(cutGapMs(), this::powerCut);
            later(LIST_CHANGE_MS + random.nextLong(LIST_CHANGE_MS), this::publishDelta);
        }

        private LaneLink newLink() {
            try {
                return new LaneLink(settings, new LaneLink.Lane(LANE, Set.of(PROGRAM), journal, lists, nonces, this::toLane,
                        () -> new LaneView(sim.shell().state().mode().name(), lists.listsInForce(), true), sim::now, entry -> { },
                        "boot-" + seed + "-" + boots, "simulated", backoffRandom::nextDouble), () -> broker, () -> nowMs() * 1_000_000, false);
            } catch (IOException | MqttTransport.TransportException e) {
                throw new AssertionError("the link could not be made: " + e.getMessage(), e);
            }
        }

        /** What the link hands the lane: a command only if central signed it for this lane, and only once, power cuts or not. */
        private boolean toLane(LaneInput input) {
            if (input instanceof LaneInput.Command command) {
                assertTrue(signed.contains(command.commandId()), "command " + command.commandId() + " reached the lane unsigned by central");
                assertTrue(commandsAtLane.add(command.commandId()), "command " + command.commandId() + " reached the lane twice");
                String meant = meantFor.remove(command.commandId());
                String waiting = vehicleWaiting();
                if (meant != null && waiting != null && !meant.equals(waiting)) {
                    // A RELEASE names no transaction (docs/mqtt-contract.md, "Sending a command again"): measured, not failed.
                    count("releases reaching another vehicle");
                }
            }
            sim.enqueue(input);
            return true;
        }

        // The link's driver: what the daemon's link thread does, in virtual time.

        private void poke() {
            stepAt(nowMs());
        }

        private void stepAt(long atMs) {
            if (atMs < driverAtMs) {
                driverAtMs = atMs;
                sim.scheduler.at(atMs, () -> {
                    if (driverAtMs == atMs) {
                        driverAtMs = Long.MAX_VALUE;
                        step();
                    }
                });
            }
        }

        private void step() {
            long waitNs = link.link().turn();
            stepAt(nowMs() + Math.max(1, (waitNs + 999_999) / 1_000_000));
        }

        private void every(long intervalMs, Runnable task) {
            sim.scheduler.after(intervalMs, () -> {
                task.run();
                every(intervalMs, task);
            });
        }

        private void later(long delayMs, Runnable task) {
            sim.scheduler.after(delayMs, task);
        }

        // The faults, each drawn from the seed, none once the run settles.

        private void networkTrouble() {
            if (settled) {
                return;
            }
            if (broker.faulty && broker.connected() && random.nextInt(100) == 0) {
                broker.drop("the network");
            }
            later(1_000, this::networkTrouble);
        }

        /** The broker misbehaves for a while (30 s to 10 min), then behaves for a while. */
        private void brokerMood() {
            if (settled) {
                return;
            }
            if (broker.faulty) {
                broker.heal();
            } else {
                broker.faulty = true;
            }
            later(30_000 + random.nextInt(600_000), this::brokerMood);
        }

        /** Now and then the disk fills up (5 s to 2 min) or fails to read (5 s to 1 min). */
        private void diskTrouble() {
            if (settled) {
                return;
            }
            if (random.nextBoolean()) {
                count("disk full");
                disk.full = true;
                later(5_000 + random.nextInt(115_000), () -> disk.full = false);
            } else {
                count("read errors");
                disk.unreadable = true;
                later(5_000 + random.nextInt(55_000), () -> disk.unreadable = false);
            }
            later(600_000 + random.nextInt(3_000_000), this::diskTrouble);
        }

        private long cutGapMs() {
            return 1 + random.nextLong(2 * MEAN_MS_BETWEEN_CUTS);
        }

        /** The power goes and comes back: the lane starts again on what the store durably holds. */
        private void powerCut() {
            if (settled) {
                return;
            }
            count("power cuts");
            checkMarks();
            writesRefused += journal.refusedWrites();
            readsFailed += journal.failedReads();
            marksRefused += journal.refusedMarks();
            if (Boolean.getBoolean("lane.wholeLane.trace") && counts.get("power cuts") % 20 == 0) {
                System.err.printf("cut %d at %.2f h: last seq %d, mode %s, phase %s, held %s, in lane %d, done %d, backed out %d, signal %s%n",
                        counts.get("power cuts"), sim.elapsedMs() / 3.6e6, store.lastSeq(), sim.shell().state().mode(), sim.shell().state().phase(),
                        sim.shell().state().armingHeldSinceStart(), sim.traffic.vehiclesInLane(), sim.traffic.vehiclesDone(),
                        sim.traffic.vehiclesBackedOut(), sim.shell().state().signal());
            }
            broker.laneDied();
            SimulatedJournals.powerCut(store);
            nonces.close();
            lists.close();
            openStore();
            link = newLink();
            driverAtMs = Long.MAX_VALUE; // the dead process's next step dies with it
            lanesStarted++;
            lane.powerCut(journal, lists);
            poke();
            later(cutGapMs(), this::powerCut);
        }

        // Central.

        @Override
        public void command(LaneInput.Command command) {
            String commandId = send("central-command", command.kind().name(), command.mode() == null ? Map.of() : Map.of("mode",
                    command.mode().name()), command.actor());
            if (command.kind() == CommandKind.RELEASE || command.kind() == CommandKind.CONFIRM) {
                meantFor.put(commandId, vehicleWaiting());
            }
        }

        /** The vehicle waiting for an officer now, as this lane's life and its transaction; null when none waits. */
        private String vehicleWaiting() {
            Phase phase = sim.shell().state().phase();
            long transaction = phase instanceof Phase.Referred referred ? referred.transactionId()
                    : phase instanceof Phase.AwaitingConfirm awaiting ? awaiting.transactionId() : -1;
            return transaction < 0 ? null : lanesStarted + ":" + transaction;
        }

        /** Central signs a command for the lane and sends it until it is answered. */
        private String send(String idPrefix, String type, Map<String, Object> args, String actor) {
            String commandId = idPrefix + "-" + seed + "-" + (++commandsMade);
            byte[] sealed = seal(commandId, LANE, type, args, actor, sim.now().wallMs(), CENTRAL_KEY, "central-ops");
            signed.add(commandId);
            lastSealed = sealed;
            unanswered.put(commandId, new Unanswered(sealed, nowMs() + COMMAND_MAX_AGE_MS - 20_000));
            broker.fromCentral(topics.commands(), sealed, false);
            return commandId;
        }

        private record Unanswered(byte[] sealed, long untilMs) {}

        /**
         * Central's console sends a command with no reply yet again, the same bytes (the lane acts
         * on a command id once at most), while it is fresh: at-least-once delivery over a lossy link.
         */
        private void sendAgain() {
            for (var it = unanswered.entrySet().iterator(); it.hasNext(); ) {
                var command = it.next();
                if (central.answered(command.getKey())) {
                    it.remove();
                } else if (nowMs() > command.getValue().untilMs()) {
                    it.remove();
                    count("commands never answered");
                } else if (broker.connected()) {
                    count("commands sent again");
                    broker.fromCentral(topics.commands(), command.getValue().sealed(), false);
                }
            }
        }

        private static byte[] seal(String commandId, String lane, String type, Map<String, Object> args, String actor, long issuedWallMs,
                                   KeyPair key, String keyId) {
            return CommandWire.sealed(commandId, SITE, lane, type, Instant.ofEpochMilli(issuedWallMs), actor, args, keyId, key.getPrivate());
        }

        /** Central's hole detection: what it knew of 5 s ago and still lacks, asked for again. */
        private void askForHoles() {
            if (!centralAsks) {
                return;
            }
            int asked = 0;
            for (long[] hole : central.holes(holesUpToSeq, nowMs())) {
                if (asked++ == 8) {
                    break;
                }
                count("replays asked");
                String commandId = "replay-" + seed + "-" + (++commandsMade);
                signed.add(commandId);
                broker.fromCentral(topics.commands(), seal(commandId, LANE, "REPLAY", Map.of("fromSeq", hole[0], "toSeq", hole[1]), "central",
                        sim.now().wallMs(), CENTRAL_KEY, "central-ops"), false);
            }
            holesUpToSeq = central.lastSeqKnown();
        }

        /** Every half hour or so, a command central never signed for this lane, or one already used. */
        private void forge() {
            if (settled) {
                return;
            }
            count("forged commands");
            String forgedId = "forged-" + seed + "-" + (++commandsMade);
            long now = sim.now().wallMs();
            int kind = random.nextInt(7);
            if (kind >= 5) {
                count("forged lists");
                List<String> everyone = new ArrayList<>(centralCards.keySet());
                byte[] forged = kind == 5
                        ? SignedEnvelope.seal(ListWire.deltaPayload(PROGRAM, listVersion, now, ListInfo.NO_EXPIRY, List.of(), everyone.subList(0, 50)),
                                "central-lists", STRANGER_KEY.getPrivate())
                        : SignedEnvelope.seal(ListWire.manifestPayload(PROGRAM, listVersion + 50, now, ListInfo.NO_EXPIRY, 1, List.of(
                                ListWire.sha256(new byte[1]))), "central-lists", STRANGER_KEY.getPrivate());
                broker.fromCentral(kind == 5 ? topics.listDelta(PROGRAM) : topics.listManifest(PROGRAM), forged, false);
                later(600_000 + random.nextInt(3_000_000), this::forge);
                return;
            }
            byte[] message = switch (kind) {
                case 0 -> seal(forgedId, LANE, "FAULT_RESET", Map.of(), "intruder", now, STRANGER_KEY, "central-ops");
                case 1 -> tampered(seal("signed-" + forgedId, LANE, "SET_MODE", Map.of("mode", "CLOSED"), "central", now, CENTRAL_KEY,
                        "central-ops"), forgedId);
                case 2 -> seal(forgedId, "lane-other", "RELEASE", Map.of(), "officer", now, CENTRAL_KEY, "central-ops");
                case 3 -> seal(forgedId, LANE, "RELEASE", Map.of(), "officer", now - COMMAND_MAX_AGE_MS - 60_000, CENTRAL_KEY, "central-ops");
                default -> lastSealed != null ? lastSealed : seal(forgedId, LANE, "RELEASE", Map.of(), "officer", now, STRANGER_KEY, "x");
            };
            broker.fromCentral(topics.commands(), message, false);
            later(600_000 + random.nextInt(3_000_000), this::forge);
        }

        /** The signed payload changed after signing (its command id replaced): the signature no longer holds. */
        private static byte[] tampered(byte[] sealed, String newId) {
            var envelope = (com.fasterxml.jackson.databind.node.ObjectNode) SimulatedBroker.parse(sealed);
            String payload = new String(Base64.getDecoder().decode(envelope.get("payload").asText()), StandardCharsets.UTF_8);
            String changed = payload.replaceFirst("\"commandId\":\"[^\"]*\"", "\"commandId\":\"" + newId + "\"");
            envelope.put("payload", Base64.getEncoder().encodeToString(changed.getBytes(StandardCharsets.UTF_8)));
            return envelope.toString().getBytes(StandardCharsets.UTF_8);
        }

        // Central's list desk (docs/mqtt-contract.md): deltas now and then, a new snapshot when a lane asks.

        /** A delta N→N+1, retained: two cards revoked, up to two revoked earlier restored. */
        private void publishDelta() {
            if (settled) {
                return;
            }
            if (random.nextInt(3) == 0) {
                // Instead, an operator has the lane resync: it asks for a snapshot, and central publishes one.
                count("list resyncs");
                send("resync", "LIST_RESYNC", Map.of("program", PROGRAM), "central");
                later(LIST_CHANGE_MS + random.nextLong(LIST_CHANGE_MS), this::publishDelta);
                return;
            }
            List<String> removes = new ArrayList<>();
            List<String> members = new ArrayList<>(centralCards.keySet());
            for (int i = 0; i < 2 && !members.isEmpty(); i++) {
                removes.add(members.remove(random.nextInt(members.size())));
            }
            List<CardRecord> upserts = new ArrayList<>();
            while (upserts.size() < 2 && !revoked.isEmpty()) {
                upserts.add(revoked.remove(0));
            }
            removes.forEach(epc -> revoked.add(centralCards.remove(epc)));
            upserts.forEach(card -> centralCards.put(card.epcHex(), card));
            long from = listVersion++;
            published.put(listVersion, (long) centralCards.size());
            count("list deltas");
            broker.fromCentral(topics.listDelta(PROGRAM), SignedEnvelope.seal(ListWire.deltaPayload(PROGRAM, from, sim.now().wallMs(),
                    ListInfo.NO_EXPIRY, upserts, removes), "central-lists", LIST_KEY.getPrivate()), true);
            // A second change hard on the first, now and then: a lane away meanwhile finds a gap and asks for a snapshot.
            later(random.nextInt(3) == 0 ? 10_000 + random.nextInt(50_000) : LIST_CHANGE_MS + random.nextLong(LIST_CHANGE_MS), this::publishDelta);
        }

        /** A lane asked for a snapshot: central publishes a new version, a minute after the last at the soonest. */
        private void snapshotRequested(byte[] request) {
            if (nowMs() - lastSnapshotAtMs < 60_000) {
                return;
            }
            lastSnapshotAtMs = nowMs();
            later(5_000, () -> {
                listVersion++;
                published.put(listVersion, (long) centralCards.size());
                count("list snapshots");
                publishSnapshot();
            });
        }

        /** The version in force at central as a snapshot: its chunks retained, then its signed manifest; chunks beyond it cleared. */
        private void publishSnapshot() {
            List<CardRecord> cards = new ArrayList<>(centralCards.values());
            List<String> digests = new ArrayList<>();
            int chunks = (cards.size() + CHUNK_CARDS - 1) / CHUNK_CARDS;
            for (int index = 0; index < chunks; index++) {
                byte[] chunk = ListWire.chunkPayload(PROGRAM, listVersion, index, cards.subList(index * CHUNK_CARDS,
                        Math.min(cards.size(), (index + 1) * CHUNK_CARDS)));
                digests.add(ListWire.sha256(chunk));
                broker.fromCentral(topics.listChunk(PROGRAM, index), chunk, true);
            }
            for (int index = chunks; index < chunksPublished; index++) {
                broker.fromCentral(topics.listChunk(PROGRAM, index), new byte[0], true);
            }
            chunksPublished = chunks;
            broker.fromCentral(topics.listManifest(PROGRAM), SignedEnvelope.seal(ListWire.manifestPayload(PROGRAM, listVersion,
                    sim.now().wallMs(), ListInfo.NO_EXPIRY, cards.size(), digests), "central-lists", LIST_KEY.getPrivate()), true);
        }

        @Override
        public void onEvent(JournalEntry entry) {
            if (link != null) { // the lane's first events come before the link is made: they go out from the outbox
                link.onLaneEvent(entry);
                poke();
            }
        }

        @Override
        public void settle() {
            settled = true;
            disk.full = false;
            disk.unreadable = false;
            broker.heal();
        }

        /**
         * DESIGN §7: an event counts as sent only once the broker acknowledged it. Checked at every
         * power cut over what was journaled since the last check (and the 2,000 before, which a
         * backlog may have marked since): every event marked sent had its PUBACK.
         */
        private void checkMarks() {
            long last = store.lastSeq();
            long from = Math.max(0, marksCheckedThroughSeq - 2_000);
            Set<Long> unsent = new HashSet<>();
            for (long after = from; ; ) {
                List<JournalEntry> page = store.outbox().unsent(after, 10_000);
                page.forEach(entry -> unsent.add(entry.seq()));
                if (page.size() < 10_000) {
                    break;
                }
                after = page.get(page.size() - 1).seq();
            }
            for (long seq = from + 1; seq <= last; seq++) {
                if (!unsent.contains(seq) && !broker.acknowledged.get((int) seq)) {
                    throw new AssertionError("event " + seq + " marked sent without a PUBACK at " + sim.elapsedMs() + " ms");
                }
            }
            marksCheckedThroughSeq = last;
        }

        // The end: everything healthy, the lane at rest; central must get all of it.

        void finish(RandomLane.Result result) {
            assertTrue(result.clean(), result.unseenCount() + " close tailgaters through unseen, the first: " + result.unseen());
            // First the sync alone, central asking for nothing: its outbox must empty, and central then
            // lacks only events a broker acknowledged and lost (else replays would hide a sync that skips).
            centralAsks = false;
            long deadlineMs = nowMs() + 3_600_000;
            while (nowMs() < deadlineMs && store.outbox().unsentCount() > 0) {
                sim.runUntil(sim.elapsedMs() + 1_000);
            }
            sim.runUntil(sim.elapsedMs() + 1_000); // the last deliveries land
            long alone = store.lastSeq();
            for (long seq = 1; seq <= alone; seq++) {
                assertTrue(central.has(seq) || broker.lostAfterAck.get((int) seq), "event " + seq
                        + " marked sent but never at central, and no broker lost it; outbox " + store.outbox().unsentCount() + " unsent");
            }
            checkMarks();
            centralAsks = true;
            long last = store.lastSeq();
            while (nowMs() < deadlineMs && (central.received() < last || store.outbox().unsentCount() > 0
                    || lists.inForce(PROGRAM).version() != listVersion)) {
                sim.runUntil(sim.elapsedMs() + 1_000);
                last = store.lastSeq();
            }
            String state = "central has " + central.received() + " of " + last + ", missing " + central.missing(last) + "; outbox "
                    + store.outbox().unsentCount() + " unsent; broker: " + broker.counts() + "; " + counts;
            assertEquals(last, central.received(), state);
            for (Map.Entry<Long, Long> applied : central.listsApplied().entrySet()) {
                assertEquals(published.get(applied.getKey()), applied.getValue(), "list version " + applied.getKey()
                        + " came into force with as many cards as central published (null: central never signed it)");
            }
            assertEquals(listVersion, lists.inForce(PROGRAM).version(), "the lane caught up with central's list; " + state);
            assertEquals(listVersion, sim.shell().state().lists().get(PROGRAM).version(), "the lane decides on it");
            assertEquals(0, store.outbox().unsentCount(), state);
            for (long after = 0; after < last; ) {
                List<JournalEntry> page = store.read(after, 10_000);
                for (JournalEntry entry : page) {
                    assertEquals(SimulatedCentral.prefix(entry.hash()), central.hash(entry.seq()), "event " + entry.seq() + " as journaled");
                    assertTrue(broker.acknowledged.get((int) entry.seq()), "event " + entry.seq() + " marked sent without a PUBACK");
                }
                after = page.get(page.size() - 1).seq();
            }
            central.checkChain(last);
            long signedReceived = 0;
            for (Map.Entry<String, Integer> received : central.commandsReceived().entrySet()) {
                assertTrue(signed.contains(received.getKey()), "command " + received.getKey() + " was never signed by central for this lane");
                assertEquals(1, received.getValue(), "command " + received.getKey() + " received " + received.getValue() + " times");
                signedReceived++;
            }
            count("signed commands received", signedReceived);
            count("close tailgaters cut short", result.crossingsCutShort());
            count("journal writes refused", writesRefused + journal.refusedWrites());
            count("journal reads failed", readsFailed + journal.failedReads());
            count("sent marks refused", marksRefused + journal.refusedMarks());
            long refusals = central.replies().entrySet().stream().filter(reply -> reply.getKey().matches(".* (BAD_SIGNATURE|WRONG_LANE|TOO_OLD|REPLAYED)"))
                    .mapToLong(Map.Entry::getValue).sum();
            count("forgeries refused", refusals);
            count("list versions applied", central.listsApplied().size());
            count("events", last);
            broker.counts().forEach((what, howMany) -> TOTALS.merge(what, howMany, Long::sum));
            counts.forEach((what, howMany) -> TOTALS.merge(what, howMany, Long::sum));
        }

        private void count(String what) {
            counts.merge(what, 1L, Long::sum);
        }

        private void count(String what, long howMany) {
            counts.put(what, howMany);
        }

        void close() {
            if (store != null) {
                store.close();
                nonces.close();
                lists.close();
            }
            for (String suffix : new String[] {"", "-wal", "-shm"}) {
                try {
                    Files.deleteIfExists(Path.of(databaseFile + suffix));
                } catch (IOException e) {
                    // The temporary directory goes at the end of the test anyway.
                }
            }
        }
    }
}
