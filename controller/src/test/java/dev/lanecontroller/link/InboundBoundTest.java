package dev.lanecontroller.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanecontroller.contract.EventWire;
import dev.lanecontroller.contract.LaneView;
import dev.lanecontroller.contract.StatusWire;
import dev.lanecontroller.contract.Topics;
import dev.lanecontroller.core.LaneMode;
import dev.lanecontroller.hal.Backoff;
import dev.lanecontroller.store.MemoryJournal;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * What central sends waits for the inbound thread within a byte bound, not only a count: retained
 * list chunks arrive all at once on subscribing, and held in the heap they stalled the lane thread
 * in every young collection (docs/performance.md, "The decision tail under load").
 */
class InboundBoundTest {
    private static final int CHUNK_BYTES = CentralLink.INBOUND_BYTES_MAX / 2;

    @Test
    void theClientsThreadWaitsOnceTheMessagesWaitingForTheInboundThreadReachTheByteBound() throws Exception {
        CountDownLatch handlerMayGo = new CountDownLatch(1);
        List<String> handled = new CopyOnWriteArrayList<>();
        Inbound slowLists = new Inbound() {
            @Override
            public List<String> subscriptions() {
                return List.of("lists/#");
            }

            @Override
            public void handle(String topic, byte[] payload, boolean retained) {
                try {
                    handlerMayGo.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                handled.add(topic);
            }
        };
        FakeTransport transport = new FakeTransport();
        CentralLink link = link(transport, slowLists);
        link.start();
        try {
            assertTrue(EventSyncTest.waitFor(() -> transport.listener.get() != null, 30_000), "the link never connected");
            AtomicInteger delivered = new AtomicInteger();
            // The client's thread: three chunks of half the bound each, retained, back to back.
            Thread client = new Thread(() -> {
                for (int i = 0; i < 3; i++) {
                    transport.listener.get().messageArrived("lists/NEXUS/chunk/" + i, new byte[CHUNK_BYTES], true);
                    delivered.incrementAndGet();
                }
            }, "fake-mqtt-client");
            client.start();
            // The first is with the (held) handler, the second waits in the queue: the bound is reached,
            // and the client's thread waits with the third in hand (TCP would push back on the broker).
            assertTrue(EventSyncTest.waitFor(() -> delivered.get() == 2 && client.getState() == Thread.State.TIMED_WAITING, 30_000),
                    "delivered " + delivered.get() + ", client thread " + client.getState());
            handlerMayGo.countDown();
            client.join(30_000);
            assertEquals(3, delivered.get());
            assertTrue(EventSyncTest.waitFor(() -> handled.size() == 3, 30_000), "handled " + handled);
            assertEquals(List.of("lists/NEXUS/chunk/0", "lists/NEXUS/chunk/1", "lists/NEXUS/chunk/2"), handled);
        } finally {
            handlerMayGo.countDown();
            link.close();
        }
    }

    private static CentralLink link(MqttTransport transport, Inbound inbound) {
        MemoryJournal journal = new MemoryJournal("boot-test");
        Topics topics = new Topics("lc/v1", LinkHarness.SITE, LinkHarness.LANE);
        EventSync sync = new EventSync(journal.outbox(), new EventWire(LinkHarness.SITE, LinkHarness.LANE, journal.journalId()), topics, 8);
        SplittableRandom random = new SplittableRandom(1);
        return new CentralLink(new CentralLink.Parts(transport, topics,
                new StatusWire(LinkHarness.SITE, LinkHarness.LANE, "boot-test", journal.journalId(), "test", 1_000), sync, journal.outbox(),
                inbound, () -> new LaneView(LaneMode.AUTOMATED.name(), List.of(), true), new Backoff(50, 200, random::nextDouble),
                "test-client", 30, 8, 60_000, null, System::currentTimeMillis));
    }

    /** Connects at once and acknowledges every publish; keeps the listener for the test's client thread. */
    private static final class FakeTransport implements MqttTransport {
        final AtomicReference<Listener> listener = new AtomicReference<>();
        private volatile boolean connected;

        @Override
        public void connect(ConnectSpec spec, Listener listener) {
            connected = true;
            this.listener.set(listener);
        }

        @Override
        public void publish(String topic, byte[] payload, int qos, boolean retained, Consumer<Throwable> done) {
            done.accept(null);
        }

        @Override
        public void subscribe(List<String> topicFilters, int qos) {
            // Nothing to subscribe to: the test delivers by hand.
        }

        @Override
        public void unsubscribe(String topicFilter) {
            // As above.
        }

        @Override
        public boolean isConnected() {
            return connected;
        }

        @Override
        public void disconnect() {
            connected = false;
        }

        @Override
        public void close() {
            connected = false;
        }
    }
}
