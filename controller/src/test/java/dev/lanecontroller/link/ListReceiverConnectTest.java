package dev.lanecontroller.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.lanecontroller.contract.ListWire;
import dev.lanecontroller.contract.SignedEnvelope;
import dev.lanecontroller.contract.Topics;
import dev.lanecontroller.core.ListInfo;
import dev.lanecontroller.pki.Ed25519Keys;
import dev.lanecontroller.sim.DemoList;
import dev.lanecontroller.store.CardRecord;
import dev.lanecontroller.store.ClearanceStore;
import dev.lanecontroller.store.Database;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the list receiver tells the link to subscribe to on a connect. */
class ListReceiverConnectTest {
    private static final long ISSUED_WALL_MS = 1_795_852_800_000L;
    private final Topics topics = new Topics("lanes", "site-1", "lane-01");

    @TempDir
    Path dir;

    /**
     * The link's thread asks on every connect. The receiver may be busy with a list on the inbound
     * thread meanwhile (a chunk of 100,000 cards written, a version swapped in, its event journaled
     * on a slow disk): the connect, and with it the events going out, must not wait for that.
     */
    @Test
    void aConnectDoesNotWaitForAListBeingHandled() throws Exception {
        CountDownLatch recording = new CountDownLatch(1);
        CountDownLatch diskDone = new CountDownLatch(1);
        EventRecorder slowDisk = event -> {
            recording.countDown();
            try {
                diskDone.await(); // a journal write stuck behind a slow disk
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return null;
        };
        try (ClearanceStore store = new ClearanceStore(Database.open(dir.resolve("lane.db")))) {
            ListReceiver receiver = receiver(store, Map.of(), slowDisk);
            Thread inbound = new Thread(() -> receiver.handle(topics.listManifest("NEXUS"), "not a manifest".getBytes(StandardCharsets.UTF_8),
                    false), "inbound");
            inbound.start();
            assertTrue(recording.await(30, TimeUnit.SECONDS), "the refusal of the bad manifest is being journaled");
            try {
                List<String> filters = CompletableFuture.supplyAsync(receiver::subscriptions).get(30, TimeUnit.SECONDS);
                assertEquals(List.of(topics.listManifest("NEXUS"), topics.listDelta("NEXUS")), filters);
            } catch (TimeoutException e) {
                fail("the connect waited for the list being handled (before the fix: as long as the refusal's journal write)");
            } finally {
                diskDone.countDown();
                inbound.join(30_000);
            }
            assertFalse(inbound.isAlive(), "the refusal was journaled once the disk came back");
        }
    }

    /** A reconnect while a snapshot is built subscribes to its chunks again; once it is done or given up, not. */
    @Test
    void theChunksAreSubscribedToExactlyWhileASnapshotIsBuilt() throws Exception {
        KeyPair key = Ed25519Keys.generate();
        try (ClearanceStore store = new ClearanceStore(Database.open(dir.resolve("lane.db")))) {
            ListReceiver receiver = receiver(store, Map.of("central-1", key.getPublic()), event -> null);
            List<String> idle = List.of(topics.listManifest("NEXUS"), topics.listDelta("NEXUS"));
            List<String> building = List.of(topics.listManifest("NEXUS"), topics.listDelta("NEXUS"), topics.listChunks("NEXUS"));
            assertEquals(idle, receiver.subscriptions());

            List<byte[]> chunks = chunks(1, DemoList.cards(20, 1));
            receiver.handle(topics.listManifest("NEXUS"), manifest(1, chunks, 20, key), false);
            assertEquals(building, receiver.subscriptions(), "v1 is being built");
            receiver.handle(topics.listChunk("NEXUS", 0), chunks.get(0), true);
            assertEquals(building, receiver.subscriptions(), "one chunk of two came");
            receiver.handle(topics.listChunk("NEXUS", 1), chunks.get(1), true);
            ListInfo inForce = store.inForce("NEXUS");
            assertEquals(1, inForce == null ? 0 : inForce.version(), "v1 is in force");
            assertEquals(idle, receiver.subscriptions(), "v1 is done");

            List<byte[]> next = chunks(2, DemoList.cards(20, 2));
            receiver.handle(topics.listManifest("NEXUS"), manifest(2, next, 20, key), false);
            assertEquals(building, receiver.subscriptions(), "v2 is being built");
            receiver.handle(topics.listChunk("NEXUS", 0), next.get(1), true); // chunk 1's bytes as chunk 0: refused whole
            assertEquals(idle, receiver.subscriptions(), "v2 was given up");
            assertEquals(1, store.inForce("NEXUS").version(), "v1 stays in force");
        }
    }

    private ListReceiver receiver(ClearanceStore store, Map<String, java.security.PublicKey> keys, EventRecorder recorder) {
        return new ListReceiver(new ListReceiver.Wiring("site-1", "lane-01", topics, Set.of("NEXUS"), keys, store, recorder, input -> true,
                () -> ISSUED_WALL_MS + 60_000));
    }

    /** Two chunks of half the cards each. */
    private static List<byte[]> chunks(long version, List<CardRecord> cards) {
        int half = cards.size() / 2;
        return List.of(ListWire.chunkPayload("NEXUS", version, 0, cards.subList(0, half)),
                ListWire.chunkPayload("NEXUS", version, 1, cards.subList(half, cards.size())));
    }

    private static byte[] manifest(long version, List<byte[]> chunks, long cards, KeyPair key) {
        List<String> digests = chunks.stream().map(ListWire::sha256).toList();
        return SignedEnvelope.seal(ListWire.manifestPayload("NEXUS", version, ISSUED_WALL_MS, ListInfo.NO_EXPIRY, cards, digests), "central-1",
                key.getPrivate());
    }
}
