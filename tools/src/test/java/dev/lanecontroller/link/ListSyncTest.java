package dev.lanecontroller.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lanecontroller.contract.ListWire;
import dev.lanecontroller.contract.SignedEnvelope;
import dev.lanecontroller.core.CardStatus;
import dev.lanecontroller.core.LaneInput;
import dev.lanecontroller.core.ListInfo;
import dev.lanecontroller.hal.LoopId;
import dev.lanecontroller.hal.TagRead;
import dev.lanecontroller.pki.Ed25519Keys;
import dev.lanecontroller.sim.DemoList;
import dev.lanecontroller.store.CardRecord;
import dev.lanecontroller.store.JournalEntry;
import dev.lanecontroller.tools.central.ListPublisher;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Clearance lists from central over a real broker: applied while the lane works, refused whole when anything is wrong. */
class ListSyncTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long DAY_MS = 24L * 3600 * 1000;

    @TempDir
    Path dir;

    @Test
    void aSnapshotOf200000CardsComesIntoForceWhileTheLaneKeepsWorking() throws Exception {
        try (TestBroker broker = TestBroker.start(dir.resolve("broker"));
             LaneFixture lane = new LaneFixture(dir, broker.uri(), 120_000);
             CentralConsumer central = new CentralConsumer(broker.uri(), "central-lists", "lc/v1/+/+/requests")) {
            List<CardRecord> v1 = DemoList.cards(1_000, 1);
            publishSnapshot(central, lane, lane.listKey, "central-lists", 1, v1, 500, 0);
            assertTrue(waitForVersion(lane, 1), "v1 in force");
            String knownCard = v1.get(0).epcHex();

            List<CardRecord> v2 = DemoList.cards(200_000, 2);
            AtomicBoolean working = new AtomicBoolean(true);
            AtomicLong lookups = new AtomicLong();
            AtomicLong lookupFailures = new AtomicLong();
            Thread traffic = new Thread(() -> {
                while (working.get()) {
                    try {
                        lane.store.listsInForce();
                        lane.store.entriesFor(knownCard);
                        LinkHarness.append(lane.journal, 1, "PASSAGE");
                        lookups.incrementAndGet();
                    } catch (RuntimeException e) {
                        lookupFailures.incrementAndGet();
                    }
                    EventSyncTest.sleep(2);
                }
            });
            traffic.start();
            publishSnapshot(central, lane, lane.listKey, "central-lists", 2, v2, 10_000, 2);
            // And a vehicle drives up while the new version is built: the lane decides on what is in force.
            lane.inbox.offer(new LaneInput.LoopChanged(LoopId.ARMING, true));
            lane.inbox.offer(new LaneInput.TagSeen(new TagRead(knownCard, null, 1, -50), null));
            assertTrue(EventSyncTest.waitFor(() -> !lane.events("DECISION").isEmpty(), 15_000), "the lane decided during the apply");
            assertTrue(lane.events("DECISION").get(0).payloadJson().contains("\"outcome\":\"CLEARED\""),
                    lane.events("DECISION").get(0).payloadJson());
            assertTrue(waitForVersion(lane, 2), "v2 in force");
            working.set(false);
            traffic.join();
            assertEquals(0, lookupFailures.get(), "lookups and journal writes went on without a failure during the apply");
            assertTrue(lookups.get() > 50, "the lane kept working: " + lookups.get() + " lookups and writes");
            assertEquals(200_000, lane.store.inForce("NEXUS").entryCount());
            assertEquals(1, lane.store.entriesFor(v2.get(199_999).epcHex()).size());
            List<JournalEntry> applied = lane.events("LIST_APPLIED");
            assertEquals(2, applied.size());
            assertTrue(applied.get(1).payloadJson().contains("\"kind\":\"snapshot\""));

            CardRecord added = new CardRecord("E2000000000000000000ABCD", CardStatus.ACTIVE, Long.MAX_VALUE, Set.of(), null, false);
            ListPublisher.delta((topic, payload) -> central.publish(topic, payload, true), lane.topics, "NEXUS", 2,
                    System.currentTimeMillis(), System.currentTimeMillis() + DAY_MS, List.of(added), List.of(v2.get(0).epcHex()),
                    "central-lists", lane.listKey.getPrivate());
            assertTrue(waitForVersion(lane, 3), "the delta made v3");
            assertEquals(1, lane.store.entriesFor(added.epcHex()).size());
            assertTrue(lane.store.entriesFor(v2.get(0).epcHex()).isEmpty());
            assertEquals(200_000, lane.store.inForce("NEXUS").entryCount());
        }
    }

    @Test
    void aListFromCentralReachesTheLaneCoreTheMomentItIsSwappedIn() throws Exception {
        try (TestBroker broker = TestBroker.start(dir.resolve("broker"));
             LaneFixture lane = new LaneFixture(dir, broker.uri(), 120_000);
             CentralConsumer central = new CentralConsumer(broker.uri(), "central-lists", "lc/v1/+/+/requests")) {
            publishSnapshot(central, lane, lane.listKey, "central-lists", 1, DemoList.cards(1_000, 1), 500, 0);
            assertTrue(waitForVersion(lane, 1), "v1 in force");
            publishSnapshot(central, lane, lane.listKey, "central-lists", 2, DemoList.cards(2_000, 2), 500, 2);
            assertTrue(EventSyncTest.waitFor(() -> lane.events("LIST_APPLIED").size() == 2, 60_000), "v2 swapped in");
            // The next input the lane takes after the swap is decided with v2 in force: no poll in between.
            lane.inbox.offer(new LaneInput.Command("after-the-swap", dev.lanecontroller.core.CommandKind.SET_MODE,
                    dev.lanecontroller.core.LaneMode.AUTOMATED, "test"));
            assertTrue(EventSyncTest.waitFor(() -> !lane.events("MODE_UNCHANGED").isEmpty(), 10_000), "the input after the swap");
            long marker = lane.events("MODE_UNCHANGED").get(0).seq();
            JournalEntry inForce = lane.events("LIST_IN_FORCE").stream().filter(e -> e.payloadJson().contains("\"version\":2"))
                    .findFirst().orElseThrow(() -> new AssertionError("no LIST_IN_FORCE v2 before the next input"));
            assertTrue(inForce.seq() < marker, "the lane core had v2 before its next input: LIST_IN_FORCE #" + inForce.seq()
                    + ", next input's event #" + marker);
        }
    }

    @Test
    void aListThatFailsAnyCheckIsRefusedWholeAndTheOldOneStays() throws Exception {
        try (TestBroker broker = TestBroker.start(dir.resolve("broker"));
             LaneFixture lane = new LaneFixture(dir, broker.uri(), 120_000);
             CentralConsumer central = new CentralConsumer(broker.uri(), "central-lists", "lc/v1/+/+/requests")) {
            List<CardRecord> v1 = DemoList.cards(2_000, 1);
            publishSnapshot(central, lane, lane.listKey, "central-lists", 1, v1, 500, 0);
            assertTrue(waitForVersion(lane, 1), "v1 in force");
            long now = System.currentTimeMillis();
            List<CardRecord> v2 = DemoList.cards(2_000, 2);

            // Tampered chunk: the manifest is signed over the true chunks, one chunk on the broker is altered.
            publishSnapshot(central, lane, lane.listKey, "central-lists", 2, v2, 500, 4);
            assertTrue(waitForVersion(lane, 2));
            assertEquals(List.of(), lane.events("LIST_REJECTED"), "the true v2 is fine; v3 is the tampered one");
            List<CardRecord> v3 = new ArrayList<>();
            java.util.SplittableRandom random = new java.util.SplittableRandom(3);
            for (int i = 10_000; i < 12_000; i++) {
                v3.add(DemoList.card(i, random)); // cards v2 does not have
            }
            byte[] good = ListWire.chunkPayload("NEXUS", 3, 1, v3.subList(500, 1_000));
            byte[] bad = new String(good, StandardCharsets.UTF_8).replace("ACTIVE", "ACTIVE ").getBytes(StandardCharsets.UTF_8);
            List<String> digests = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                byte[] chunk = ListWire.chunkPayload("NEXUS", 3, i, v3.subList(i * 500, i * 500 + 500));
                digests.add(ListWire.sha256(chunk));
                central.publish(lane.topics.listChunk("NEXUS", i), i == 1 ? bad : chunk, true);
            }
            central.publish(lane.topics.listManifest("NEXUS"), SignedEnvelope.seal(ListWire.manifestPayload("NEXUS", 3, now, now + DAY_MS,
                    2_000, digests), "central-lists", lane.listKey.getPrivate()), true);
            assertEquals("DIGEST_MISMATCH", awaitRejections(lane, 1));

            // Signed by a key the lane does not trust under that id.
            KeyPair stranger = Ed25519Keys.generate();
            publishSnapshot(central, lane, stranger, "central-lists", 4, v3, 500, 4);
            assertEquals("BAD_SIGNATURE", awaitRejections(lane, 2));
            central.publish(lane.topics.listManifest("NEXUS"), new byte[0], true); // central takes the bad snapshot back

            // A delta that does not follow on from v2: refused, and the lane asks for a snapshot.
            ListPublisher.delta((topic, payload) -> central.publish(topic, payload, true), lane.topics, "NEXUS", 5, now, now + DAY_MS,
                    List.of(), List.of(), "central-lists", lane.listKey.getPrivate());
            assertEquals("VERSION_GAP", awaitRejections(lane, 3));
            assertTrue(central.await(() -> !central.on(lane.topics.requests()).isEmpty(), 10_000), "a snapshot was asked for");
            JsonNode request = central.on(lane.topics.requests()).get(0);
            assertEquals("LIST_SNAPSHOT", request.get("type").asText());
            assertEquals(2, request.get("haveVersion").asLong());

            // A rollback: an older version, published afresh (not a retained copy).
            central.publish(lane.topics.listManifest("NEXUS"), SignedEnvelope.seal(ListWire.manifestPayload("NEXUS", 1, now, now + DAY_MS,
                    0, List.of()), "central-lists", lane.listKey.getPrivate()), false);
            assertEquals("ROLLBACK", awaitRejections(lane, 4));

            // Expired.
            central.publish(lane.topics.listManifest("NEXUS"), SignedEnvelope.seal(ListWire.manifestPayload("NEXUS", 6, now - 2 * DAY_MS,
                    now - DAY_MS, 0, List.of()), "central-lists", lane.listKey.getPrivate()), false);
            assertEquals("EXPIRED", awaitRejections(lane, 5));

            // Malformed JSON, signed.
            central.publish(lane.topics.listDelta("NEXUS"), SignedEnvelope.seal("{\"schema\":\"clearance-delta/1\",".getBytes(
                    StandardCharsets.UTF_8), "central-lists", lane.listKey.getPrivate()), false);
            assertEquals("MALFORMED", awaitRejections(lane, 6));

            // Oversized.
            central.publish(lane.topics.listManifest("NEXUS"), new byte[ListWire.MANIFEST_BYTES_MAX + 1], false);
            assertEquals("TOO_LARGE", awaitRejections(lane, 7));

            ListInfo inForce = lane.store.inForce("NEXUS");
            assertEquals(2, inForce.version(), "v2 stays in force through all of it");
            assertEquals(2_000, inForce.entryCount());
            assertNotNull(lane.store.entriesFor(v2.get(0).epcHex()).stream().findFirst().orElse(null));
            assertTrue(lane.store.entriesFor(v3.get(0).epcHex()).isEmpty(), "nothing of the refused lists was applied");
            assertNull(lane.store.listDir().resolve("NEXUS-v3.db.part").toFile().exists() ? "part file left" : null);
        }
    }

    private static void publishSnapshot(CentralConsumer central, LaneFixture lane, KeyPair key, String keyId, long version,
                                        List<CardRecord> cards, int perChunk, int previousChunks) throws Exception {
        long now = System.currentTimeMillis();
        ListPublisher.snapshot((topic, payload) -> central.publish(topic, payload, true), lane.topics, "NEXUS", version, now, now + DAY_MS,
                cards.iterator(), perChunk, previousChunks, keyId, key.getPrivate());
    }

    private static boolean waitForVersion(LaneFixture lane, long version) {
        return EventSyncTest.waitFor(() -> {
            ListInfo list = lane.store.inForce("NEXUS");
            return list != null && list.version() == version;
        }, 60_000);
    }

    /** Waits for the {@code n}th LIST_REJECTED and returns its code. */
    private static String awaitRejections(LaneFixture lane, int n) throws Exception {
        assertTrue(EventSyncTest.waitFor(() -> lane.events("LIST_REJECTED").size() >= n, 10_000), "rejection " + n + " came");
        assertEquals(n, lane.events("LIST_REJECTED").size(), lane.events("LIST_REJECTED").toString());
        return JSON.readTree(lane.events("LIST_REJECTED").get(n - 1).payloadJson()).get("code").asText();
    }
}
