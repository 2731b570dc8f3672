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
import dev.lanecontroller.store.EventDraft;
import dev.lanecontroller.store.MemoryJournal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * The central link's connection handling as a step function in virtual time (issue 18): the
 * backoff between failed connects, the status at connect, at each heartbeat and when it changed,
 * a lost connection and one whose PUBACKs stopped coming dropped and made again. No thread, no
 * broker: what a whole-system simulation drives.
 */
class CentralLinkStepTest {
    private static final long HEARTBEAT_MS = 5_000;
    private static final int KEEPALIVE_S = 5;

    private final long[] nowMs = {0};
    private final ScriptedTransport transport = new ScriptedTransport();
    private final AtomicInteger heartbeats = new AtomicInteger();
    private final MemoryJournal journal = new MemoryJournal("boot-test");
    private final Topics topics = Topics.lane("lc/v1", LinkHarness.SITE, LinkHarness.LANE);
    private final EventSync sync = new EventSync(journal.outbox(), new EventWire(LinkHarness.SITE, LinkHarness.LANE, journal.journalId()),
            topics, 8, this::nowNs, false);
    private final CentralLink link = new CentralLink(new CentralLink.Parts(transport, topics,
            new StatusWire(LinkHarness.SITE, LinkHarness.LANE, "boot-test", journal.journalId(), "test", HEARTBEAT_MS), sync, journal.outbox(),
            new Inbound() {
                @Override
                public List<String> subscriptions() {
                    return List.of(topics.commands());
                }

                @Override
                public void handle(String topic, byte[] payload, boolean retained) {
                    // Nothing arrives in this test.
                }

                @Override
                public void onHeartbeat() {
                    heartbeats.incrementAndGet();
                }
            }, () -> new LaneView(LaneMode.AUTOMATED.name(), List.of(), true), new Backoff(1_000, 15_000, () -> 1.0), "test-client",
            KEEPALIVE_S, 8, HEARTBEAT_MS, null, () -> 1_800_000_000_000L + nowMs[0]), this::nowNs);

    private long nowNs() {
        return nowMs[0] * 1_000_000;
    }

    /** Virtual time passes to {@code ms}, then the link takes a step. */
    private void stepAt(long ms) {
        nowMs[0] = ms;
        link.step();
    }

    @Test
    void connectsAfterTheBackoffPublishesItsStatusAndReconnectsWhenTheConnectionIsLost() {
        transport.failNextConnects = 2;
        stepAt(0);
        assertEquals(1, transport.connectAttempts);
        assertEquals(1, link.connectFailures());
        assertEquals(1_000_000_000L, link.nextStepInNs(), "the first retry after the backoff's base");
        stepAt(999);
        assertEquals(1, transport.connectAttempts, "no attempt before the backoff is over");
        stepAt(1_000);
        assertEquals(2, transport.connectAttempts);
        stepAt(2_999);
        assertEquals(2, transport.connectAttempts, "the second wait is twice the first");
        stepAt(3_000);
        assertEquals(3, transport.connectAttempts);
        assertEquals(1, link.connects());
        assertTrue(link.isConnected());
        assertEquals(List.of(topics.commands()), transport.subscribed);
        assertEquals(1, transport.statuses, "the status goes out on connect");

        stepAt(3_000 + HEARTBEAT_MS - 1);
        assertEquals(1, transport.statuses);
        stepAt(3_000 + HEARTBEAT_MS);
        assertEquals(2, transport.statuses, "and at each heartbeat");
        assertEquals(0, heartbeats.get(), "the heartbeat's housekeeping is queued to the inbound thread, not done here");
        link.turn();
        assertEquals(1, heartbeats.get());
        link.statusChanged();
        stepAt(3_000 + HEARTBEAT_MS + 1);
        assertEquals(3, transport.statuses, "and at once when it changed");

        int disconnectsBefore = transport.disconnects; // one after each failed connect
        transport.listener.connectionLost(new IllegalStateException("test: the broker went away"));
        stepAt(9_000);
        assertEquals(disconnectsBefore + 1, transport.disconnects);
        assertTrue(!link.isConnected());
        stepAt(9_999);
        assertEquals(3, transport.connectAttempts, "the backoff starts again from its base after a success");
        stepAt(10_000);
        assertEquals(4, transport.connectAttempts);
        assertEquals(2, link.connects());
    }

    @Test
    void aConnectionWhosePubacksStoppedComingIsDroppedAfterTwiceTheKeepalive() {
        stepAt(0);
        assertEquals(1, link.connects());
        Now now = new Now(0, 1_800_000_000_000L, true);
        journal.append(List.of(new EventDraft("PASSAGE", Map.of("n", 1), now)));
        sync.wake();
        sync.step();
        assertEquals(1, transport.events.size(), "the event went out and waits for its PUBACK, which never comes");
        stepAt(2_000L * KEEPALIVE_S);
        assertEquals(0, link.acknowledgementTimeouts());
        stepAt(2_000L * KEEPALIVE_S + 1_001);
        assertEquals(1, link.acknowledgementTimeouts());
        assertEquals(1, transport.disconnects);
        stepAt(2_000L * KEEPALIVE_S + 2_001);
        assertEquals(2, link.connects(), "a new connection, to publish the event again on it");
    }

    @Test
    void itsThreadWaitsOutTheBackoffEvenWhenTheStatusChangesMeanwhile() throws Exception {
        // Real time, the real driver: central unreachable, the next attempt a minute away.
        ScriptedTransport refusing = new ScriptedTransport();
        refusing.failNextConnects = Integer.MAX_VALUE;
        CentralLink threaded = new CentralLink(new CentralLink.Parts(refusing, topics,
                new StatusWire(LinkHarness.SITE, LinkHarness.LANE, "boot-test", journal.journalId(), "test", HEARTBEAT_MS), sync,
                journal.outbox(), Inbound.NONE, () -> new LaneView(LaneMode.AUTOMATED.name(), List.of(), true),
                new Backoff(60_000, 60_000, () -> 1.0), "test-client", KEEPALIVE_S, 8, HEARTBEAT_MS, null, System::currentTimeMillis));
        threaded.start();
        try {
            assertTrue(EventSyncTest.waitFor(() -> threaded.connectFailures() == 1 && threaded.driverState() == Thread.State.TIMED_WAITING,
                    30_000), "the first attempt failed and the thread waits out the backoff");
            long turns = threaded.driverTurns();
            // The lane's mode changed while central is unreachable: the status goes out with the next connection,
            // and the thread must not spin until then (it did: a status change kept it from waiting).
            threaded.statusChanged();
            assertTrue(EventSyncTest.waitFor(() -> threaded.driverTurns() > turns && threaded.driverState() == Thread.State.TIMED_WAITING,
                    30_000), "woken by the change, it waits again (turns " + threaded.driverTurns() + ", " + threaded.driverState() + ")");
            assertEquals(1, threaded.connectFailures(), "no attempt before the backoff is over");
        } finally {
            threaded.close();
        }
    }

    /** Connects (or fails as told), never acknowledges an event, counts what the link does. */
    private final class ScriptedTransport implements MqttTransport {
        int failNextConnects;
        int connectAttempts;
        int disconnects;
        int statuses;
        final List<String> subscribed = new ArrayList<>();
        final List<String> events = new ArrayList<>();
        Listener listener;
        private boolean connected;

        @Override
        public void connect(ConnectSpec spec, Listener newListener) throws TransportException {
            connectAttempts++;
            if (failNextConnects > 0) {
                failNextConnects--;
                throw new TransportException("test: connection refused", null);
            }
            listener = newListener;
            connected = true;
        }

        @Override
        public void publish(String topic, byte[] payload, int qos, boolean retained, Consumer<Throwable> done) {
            if (topic.equals(topics.status())) {
                statuses++;
                done.accept(null);
            } else {
                events.add(topic);
            }
        }

        @Override
        public void subscribe(List<String> topicFilters, int qos) {
            subscribed.addAll(topicFilters);
        }

        @Override
        public void unsubscribe(String topicFilter) {
            subscribed.remove(topicFilter);
        }

        @Override
        public boolean isConnected() {
            return connected;
        }

        @Override
        public void disconnect() {
            disconnects++;
            connected = false;
        }

        @Override
        public void close() {
            connected = false;
        }
    }
}
