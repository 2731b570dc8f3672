package dev.lanecontroller.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lanecontroller.contract.CommandWire;
import dev.lanecontroller.core.CardStatus;
import dev.lanecontroller.core.LaneInput;
import dev.lanecontroller.core.LaneMode;
import dev.lanecontroller.core.Phase;
import dev.lanecontroller.hal.LoopId;
import dev.lanecontroller.hal.TagRead;
import dev.lanecontroller.pki.Ed25519Keys;
import dev.lanecontroller.sim.DemoList;
import dev.lanecontroller.store.CardRecord;
import dev.lanecontroller.store.JournalEntry;
import dev.lanecontroller.tools.central.ListPublisher;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Authority end to end (DESIGN §5, docs/reliability.md): a whole lane — real core, shell, SQLite and
 * link, simulated gate — on a broker anyone can write to. Central revoked two cards in v2. While one
 * of those vehicles waits at the referral, the broker carries every kind of message the lane must not
 * trust: commands to release it that are unsigned, signed by a key the lane was not given, tampered
 * with after signing, replayed, too old, from the future or for another lane; lists that would clear it,
 * signed by a stranger, rolled back to the version before the revocation, expired, or a stranger's
 * delta. None of them may change the mode, the list in force or a decision, or move the gate; every
 * one is refused and journaled. Then central's own RELEASE opens the gate: the watch can see it move.
 */
class HostileBrokerLaneTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long DAY_MS = 24 * 3_600_000L;
    private static final int PER_CHUNK = 400;

    @TempDir
    Path dir;

    @Test
    void nothingUnsignedRolledBackReplayedOrExpiredReleasesAVehicleOrMovesTheGate() throws Exception {
        long startNanos = System.nanoTime();
        try (TestBroker broker = TestBroker.start(dir.resolve("broker"));
             LaneFixture lane = new LaneFixture(dir.resolve("lane"), broker.uri(), 120_000);
             CentralConsumer hostile = new CentralConsumer(broker.uri(), "anyone", "lc/v1/+/+/replies")) {
            KeyPair stranger = Ed25519Keys.generate();
            List<CardRecord> v1 = DemoList.cards(1_000, 1);
            CardRecord first = v1.get(0);
            CardRecord second = v1.get(1);
            List<CardRecord> v2 = new ArrayList<>(v1);
            v2.set(0, withStatus(first, CardStatus.REVOKED));
            v2.set(1, withStatus(second, CardStatus.REVOKED));
            long now = System.currentTimeMillis();
            snapshot(hostile, lane, 1, v1, now, now + DAY_MS, 0, "central-lists", lane.listKey);
            awaitVersion(lane, 1);
            snapshot(hostile, lane, 2, v2, now, now + DAY_MS, chunks(v1), "central-lists", lane.listKey);
            awaitVersion(lane, 2);

            // A real RELEASE from central while no one waits: the lane refuses it, and the bytes are kept to replay.
            byte[] earlierRelease = release(lane, UUID.randomUUID().toString(), Instant.now(), LaneFixture.LANE, "central-ops", lane.commandKey);
            hostile.publish(lane.topics.commands(), earlierRelease, false);
            assertTrue(EventSyncTest.waitFor(() -> lane.events("COMMAND_REJECTED").size() == 1, 10_000), "the idle lane refused it");

            GateWatch gate = new GateWatch(lane);
            try {
                arrive(lane, first);
                assertEquals("TAG_INACTIVE", lastOutcome(lane), "a revoked card is referred");
                assertInstanceOf(Phase.Referred.class, lane.shell.state().phase());
                int refusedCommandsBefore = lane.events("COMMAND_REJECTED").size();

                List<byte[]> commands = new ArrayList<>();
                commands.add(CommandWire.payload(UUID.randomUUID().toString(), LaneFixture.SITE, LaneFixture.LANE, "RELEASE",
                        Instant.now(), "officer-1", Map.of())); // not even an envelope
                commands.add(release(lane, UUID.randomUUID().toString(), Instant.now(), LaneFixture.LANE, "central-ops", stranger));
                commands.add(release(lane, UUID.randomUUID().toString(), Instant.now(), LaneFixture.LANE, "stranger", stranger));
                commands.add(earlierRelease);
                commands.add(release(lane, UUID.randomUUID().toString(), Instant.now().minus(Duration.ofMinutes(10)), LaneFixture.LANE,
                        "central-ops", lane.commandKey));
                commands.add(release(lane, UUID.randomUUID().toString(), Instant.now().plus(Duration.ofMinutes(10)), LaneFixture.LANE,
                        "central-ops", lane.commandKey));
                commands.add(release(lane, UUID.randomUUID().toString(), Instant.now(), "lane-08", "central-ops", lane.commandKey));
                commands.add(tampered(lane));
                commands.add(CommandWire.sealed(UUID.randomUUID().toString(), LaneFixture.SITE, LaneFixture.LANE, "SET_MODE", Instant.now(),
                        "intruder", Map.of("mode", "MAINTENANCE"), "central-ops", stranger.getPrivate()));
                for (byte[] command : commands) {
                    hostile.publish(lane.topics.commands(), command, false);
                }
                assertTrue(EventSyncTest.waitFor(() -> lane.events("COMMAND_REJECTED").size() == refusedCommandsBefore + commands.size(), 15_000),
                        "every hostile command refused and journaled: " + lane.events("COMMAND_REJECTED"));
                List<String> commandCodes = lane.events("COMMAND_REJECTED").subList(refusedCommandsBefore, refusedCommandsBefore + commands.size())
                        .stream().map(HostileBrokerLaneTest::code).toList();
                assertEquals(List.of("MALFORMED", "BAD_SIGNATURE", "UNKNOWN_KEY", "REPLAYED", "TOO_OLD", "FROM_FUTURE", "WRONG_LANE",
                        "BAD_SIGNATURE", "BAD_SIGNATURE"), commandCodes);

                List<CardRecord> clearsThem = v1; // both cards ACTIVE again
                long later = System.currentTimeMillis();
                snapshot(hostile, lane, 3, clearsThem, later, later + DAY_MS, chunks(v2), "central-lists", stranger);
                awaitRejections(lane, 1);
                snapshot(hostile, lane, 3, clearsThem, later, later + DAY_MS, chunks(v1), "stranger", stranger);
                awaitRejections(lane, 2);
                snapshot(hostile, lane, 1, v1, now, now + DAY_MS, chunks(v1), "central-lists", lane.listKey); // rollback, really signed
                awaitRejections(lane, 3);
                snapshot(hostile, lane, 3, clearsThem, later - 2 * DAY_MS, later - DAY_MS, chunks(v1), "central-lists", lane.listKey);
                awaitRejections(lane, 4);
                ListPublisher.delta((topic, payload) -> hostile.publish(topic, payload, true), lane.topics, "NEXUS", 2, later,
                        later + DAY_MS, List.of(first, second), List.of(), "central-lists", stranger.getPrivate());
                awaitRejections(lane, 5);
                List<String> codes = lane.events("LIST_REJECTED").stream().map(e -> field(e, "code")).toList();
                assertEquals(List.of("BAD_SIGNATURE", "UNKNOWN_KEY", "ROLLBACK", "EXPIRED", "BAD_SIGNATURE"), codes);

                assertEquals(2, lane.store.inForce("NEXUS").version(), "the list in force is still central's v2");
                assertInstanceOf(Phase.Referred.class, lane.shell.state().phase(), "the vehicle still waits for an officer");
                assertEquals(LaneMode.AUTOMATED, lane.shell.state().mode());

                assertEquals(0, lane.events("RELEASED").size() + lane.events("CONFIRMED").size() + lane.events("MODE_CHANGED").size()
                        + lane.events("MODE_CHANGE_PENDING").size(), "nothing released, confirmed or changed the mode");
                assertEquals(0.0, gate.maxOpenFraction(), "the gate never moved");
            } finally {
                gate.close();
            }

            // Central's own, fresh RELEASE: the same watch sees this gate open, so it could have seen the others.
            byte[] centralsRelease = release(lane, UUID.randomUUID().toString(), Instant.now(), LaneFixture.LANE, "central-ops", lane.commandKey);
            GateWatch control = new GateWatch(lane);
            try {
                hostile.publish(lane.topics.commands(), centralsRelease, false);
                assertTrue(EventSyncTest.waitFor(() -> lane.events("RELEASED").size() == 1, 10_000), "central's release is carried out");
                assertTrue(EventSyncTest.waitFor(() -> control.maxOpenFraction() > 0, 10_000), "and the gate opens");
            } finally {
                control.close();
            }
            driveThrough(lane);

            // The second revoked card drives up under whatever the broker left retained, and central's used RELEASE comes again.
            GateWatch afterwards = new GateWatch(lane);
            try {
                arrive(lane, second);
                assertEquals("TAG_INACTIVE", lastOutcome(lane), "the second revoked card is referred too, on v2");
                int refused = lane.events("COMMAND_REJECTED").size();
                hostile.publish(lane.topics.commands(), centralsRelease, false);
                assertTrue(EventSyncTest.waitFor(() -> lane.events("COMMAND_REJECTED").size() == refused + 1, 10_000), "the replay is refused");
                assertEquals("REPLAYED", code(lane.events("COMMAND_REJECTED").get(refused)));
                assertEquals(1, lane.events("RELEASED").size(), "only central's one release was carried out");
                assertInstanceOf(Phase.Referred.class, lane.shell.state().phase(), "the second vehicle waits for an officer");
                assertEquals(0.0, afterwards.maxOpenFraction(), "the gate did not move for it");
            } finally {
                afterwards.close();
            }
            assertEquals(0, lane.events("DECISION").stream().filter(e -> field(e, "outcome").equals("CLEARED")).count(), "no one was cleared");
            assertEquals(2, lane.store.inForce("NEXUS").version());
            CampaignReport.row("hostile-broker", "a hostile broker, end to end", "1 run (every CI run)",
                    "a whole lane on a broker anyone can write to, two revoked cards: 10 commands (unsigned, a stranger's key under "
                            + "central's name and under its own, tampered after signing, replayed twice, 10 min old, 10 min ahead, "
                            + "for another lane, a stranger's SET_MODE) and 5 lists (a stranger's snapshot under central's name and "
                            + "its own, central's v1 again (rollback), an expired snapshot, a stranger's delta), all refused and "
                            + "journaled with their reasons; list in force v2 throughout, mode unchanged, both cards referred "
                            + "(TAG_INACTIVE), 0 clearances, 0 gate movements; central's one fresh RELEASE opened the gate",
                    TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - startNanos));
        }
    }

    /** The released car drives over the safety and exit loops and away; the arm comes down behind it. */
    private static void driveThrough(LaneFixture lane) {
        assertTrue(EventSyncTest.waitFor(() -> lane.hardware.gate.isFullyOpen(), 10_000), "the arm is up");
        lane.inbox.offer(new LaneInput.LoopChanged(LoopId.SAFETY, true));
        lane.inbox.offer(new LaneInput.LoopChanged(LoopId.ARMING, false));
        lane.inbox.offer(new LaneInput.LoopChanged(LoopId.EXIT, true));
        lane.inbox.offer(new LaneInput.LoopChanged(LoopId.SAFETY, false));
        lane.inbox.offer(new LaneInput.LoopChanged(LoopId.EXIT, false));
        assertTrue(EventSyncTest.waitFor(() -> lane.events("PASSAGE").size() == 1, 10_000), "the passage");
        assertTrue(EventSyncTest.waitFor(() -> lane.hardware.gate.isClosed() && lane.shell.state().phase() instanceof Phase.Idle, 30_000),
                "the arm is down and the lane idle");
    }

    /** Samples the simulated arm every 2 ms (it takes 500 ms to travel): any opening shows. */
    private static final class GateWatch implements AutoCloseable {
        private final AtomicBoolean watching = new AtomicBoolean(true);
        private final AtomicReference<Double> maxOpen = new AtomicReference<>(0.0);
        private final Thread thread;

        GateWatch(LaneFixture lane) {
            thread = new Thread(() -> {
                while (watching.get()) {
                    double open = lane.hardware.gate.openFraction();
                    maxOpen.accumulateAndGet(open, Math::max);
                    EventSyncTest.sleep(2);
                }
            }, "gate-watch");
            thread.setDaemon(true);
            thread.start();
        }

        double maxOpenFraction() {
            return maxOpen.get();
        }

        @Override
        public void close() throws InterruptedException {
            watching.set(false);
            thread.join();
        }
    }

    private static void arrive(LaneFixture lane, CardRecord card) {
        int decisions = lane.events("DECISION").size();
        lane.inbox.offer(new LaneInput.LoopChanged(LoopId.ARMING, true));
        lane.inbox.offer(new LaneInput.TagSeen(new TagRead(card.epcHex(), null, 1, -50), null));
        assertTrue(EventSyncTest.waitFor(() -> lane.events("DECISION").size() > decisions, 15_000), "a decision for " + card.epcHex());
    }

    private static String lastOutcome(LaneFixture lane) {
        List<JournalEntry> decisions = lane.events("DECISION");
        return field(decisions.get(decisions.size() - 1), "outcome");
    }

    private static String field(JournalEntry entry, String name) {
        try {
            return JSON.readTree(entry.payloadJson()).path(name).asText();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A refused command's reason code ("why" reads "CODE: explanation"). */
    private static String code(JournalEntry refusal) {
        return field(refusal, "why").split(":", 2)[0];
    }

    private static CardRecord withStatus(CardRecord card, CardStatus status) {
        return new CardRecord(card.epcHex(), status, card.expiresWallMs(), card.plates(), card.tidHex(), card.lookout());
    }

    private static int chunks(List<CardRecord> cards) {
        return (cards.size() + PER_CHUNK - 1) / PER_CHUNK;
    }

    private static void snapshot(CentralConsumer out, LaneFixture lane, long version, List<CardRecord> cards, long issuedWallMs,
                                 long expiresWallMs, int previousChunks, String keyId, KeyPair key) throws Exception {
        ListPublisher.snapshot((topic, payload) -> out.publish(topic, payload, true), lane.topics, "NEXUS", version, issuedWallMs,
                expiresWallMs, cards.iterator(), PER_CHUNK, previousChunks, keyId, key.getPrivate());
    }

    private static void awaitVersion(LaneFixture lane, long version) {
        assertTrue(EventSyncTest.waitFor(() -> lane.store.inForce("NEXUS") != null && lane.store.inForce("NEXUS").version() == version,
                30_000), "v" + version + " in force");
    }

    private static void awaitRejections(LaneFixture lane, int count) {
        assertTrue(EventSyncTest.waitFor(() -> lane.events("LIST_REJECTED").size() >= count, 15_000),
                "list refusal " + count + ": " + lane.events("LIST_REJECTED"));
    }

    private static byte[] release(LaneFixture lane, String commandId, Instant issuedAt, String laneId, String keyId, KeyPair key) {
        return CommandWire.sealed(commandId, LaneFixture.SITE, laneId, "RELEASE", issuedAt, "officer-1", Map.of(), keyId, key.getPrivate());
    }

    /** Central's signature over a harmless LIST_RESYNC, with the payload swapped for a RELEASE. */
    private static byte[] tampered(LaneFixture lane) throws Exception {
        byte[] harmless = CommandWire.sealed(UUID.randomUUID().toString(), LaneFixture.SITE, LaneFixture.LANE, "LIST_RESYNC", Instant.now(),
                "central", Map.of("program", "NEXUS"), "central-ops", lane.commandKey.getPrivate());
        ObjectNode envelope = (ObjectNode) JSON.readTree(harmless);
        envelope.put("payload", Base64.getEncoder().encodeToString(CommandWire.payload(UUID.randomUUID().toString(), LaneFixture.SITE,
                LaneFixture.LANE, "RELEASE", Instant.now(), "officer-1", Map.of())));
        return JSON.writeValueAsBytes(envelope);
    }
}
