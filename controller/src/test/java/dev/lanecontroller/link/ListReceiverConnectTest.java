package dev.lanecontroller.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanecontroller.contract.Topics;
import dev.lanecontroller.store.ClearanceStore;
import dev.lanecontroller.store.Database;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The link's thread asks the list receiver what to subscribe to on every connect. The receiver may
 * be busy with a list on the inbound thread meanwhile (a chunk of 100,000 cards written, a version
 * swapped in, its event journaled on a slow disk): the connect, and with it the events going out,
 * must not wait for that.
 */
class ListReceiverConnectTest {
    @TempDir
    Path dir;

    @Test
    void aConnectDoesNotWaitForAListBeingHandled() throws Exception {
        Topics topics = new Topics("lanes", "site-1", "lane-01");
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
            ListReceiver receiver = new ListReceiver(new ListReceiver.Wiring("site-1", "lane-01", topics, Set.of("NEXUS"), Map.of(), store,
                    slowDisk, input -> true, System::currentTimeMillis));
            Thread inbound = new Thread(() -> receiver.handle(topics.listManifest("NEXUS"), "not a manifest".getBytes(StandardCharsets.UTF_8),
                    false), "inbound");
            inbound.start();
            assertTrue(recording.await(30, TimeUnit.SECONDS), "the refusal of the bad manifest is being journaled");
            try {
                CompletableFuture<List<String>> connect = CompletableFuture.supplyAsync(receiver::subscriptions);
                List<String> filters = connect.get(30, TimeUnit.SECONDS); // before the fix: waits for the disk, for ever here
                assertEquals(List.of(topics.listManifest("NEXUS"), topics.listDelta("NEXUS")), filters);
            } finally {
                diskDone.countDown();
                inbound.join(30_000);
            }
        }
    }
}
