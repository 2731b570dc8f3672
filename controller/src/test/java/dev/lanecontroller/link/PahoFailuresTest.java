package dev.lanecontroller.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyBoolean;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import dev.lanecontroller.contract.EventWire;
import dev.lanecontroller.contract.LaneView;
import dev.lanecontroller.contract.StatusWire;
import dev.lanecontroller.contract.Topics;
import dev.lanecontroller.core.LaneMode;
import dev.lanecontroller.hal.Backoff;
import dev.lanecontroller.store.Database;
import dev.lanecontroller.store.SqliteJournal;
import java.io.EOFException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.paho.client.mqttv3.IMqttActionListener;
import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The central link over a Paho client that fails the way real ones do and real brokers will not on
 * demand: a PUBACK that never comes while the connection looks alive, "too many publishes in
 * progress", a connection lost with publishes in flight. Every event still reaches central.
 */
class PahoFailuresTest {
    private static final int EVENTS = 200;
    /** The link's keepalive here: a publish is given up after two of them (2 s). */
    private static final int KEEPALIVE_S = 1;

    @TempDir
    Path dir;

    private final ExecutorService pahoCallbacks = Executors.newSingleThreadExecutor();
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicBoolean connected = new AtomicBoolean();
    private final AtomicReference<MqttCallback> callback = new AtomicReference<>();
    private final AtomicInteger publishes = new AtomicInteger();

    /** What a publish on connection {@code connection} does; it may call the listener (from Paho's thread), throw, or do nothing. */
    interface PublishBehaviour {
        void publish(int connection, int attempt, IMqttActionListener listener) throws MqttException;
    }

    @AfterEach
    void stop() {
        pahoCallbacks.shutdownNow();
    }

    private MqttAsyncClient paho(PublishBehaviour behaviour) throws Exception {
        MqttAsyncClient client = mock(MqttAsyncClient.class);
        IMqttToken done = mock(IMqttToken.class);
        doAnswer(call -> {
            callback.set(call.getArgument(0));
            return null;
        }).when(client).setCallback(any());
        when(client.connect(any(MqttConnectOptions.class))).thenAnswer(call -> {
            connections.incrementAndGet();
            connected.set(true);
            return done;
        });
        when(client.isConnected()).thenAnswer(call -> connected.get());
        when(client.subscribe(any(String[].class), any(int[].class))).thenAnswer(call -> {
            int[] granted = new int[((String[]) call.getArgument(0)).length];
            Arrays.fill(granted, 1);
            IMqttToken token = mock(IMqttToken.class);
            when(token.getGrantedQos()).thenReturn(granted);
            return token;
        });
        when(client.disconnect(anyLong())).thenAnswer(call -> {
            connected.set(false);
            return done;
        });
        when(client.publish(anyString(), any(byte[].class), anyInt(), anyBoolean(), any(), any(IMqttActionListener.class)))
                .thenAnswer(call -> {
                    String topic = call.getArgument(0);
                    IMqttActionListener listener = call.getArgument(5);
                    if (!topic.endsWith("/events")) {
                        pahoCallbacks.execute(() -> listener.onSuccess(null)); // status and alerts: acknowledged
                        return null;
                    }
                    behaviour.publish(connections.get(), publishes.incrementAndGet(), listener);
                    return null;
                });
        return client;
    }

    private void acknowledge(IMqttActionListener listener) {
        pahoCallbacks.execute(() -> listener.onSuccess(null));
    }

    private CentralLink link(MqttAsyncClient client, SqliteJournal journal) {
        Topics topics = new Topics("lc/v1", LinkHarness.SITE, LinkHarness.LANE);
        String journalId = journal.outbox().journalId();
        EventSync sync = new EventSync(journal.outbox(), new EventWire(LinkHarness.SITE, LinkHarness.LANE, journalId), topics, 64);
        SplittableRandom random = new SplittableRandom(1);
        return new CentralLink(new CentralLink.Parts(new PahoTransport(client), topics,
                new StatusWire(LinkHarness.SITE, LinkHarness.LANE, "boot-test", journalId, "test", 1_000), sync, journal.outbox(),
                Inbound.NONE, () -> new LaneView(LaneMode.AUTOMATED.name(), List.of(), true), new Backoff(50, 200, random::nextDouble),
                "test-client", KEEPALIVE_S, 64, 1_000, null, System::currentTimeMillis));
    }

    private void drains(PublishBehaviour behaviour, String what) throws Exception {
        try (SqliteJournal journal = new SqliteJournal(Database.open(dir.resolve("lane.db")), "boot-1")) {
            LinkHarness.append(journal, EVENTS, "PASSAGE");
            CentralLink link = link(paho(behaviour), journal);
            link.start();
            try {
                assertTrue(EventSyncTest.waitFor(() -> journal.outbox().unsentCount() == 0, 60_000),
                        what + ": " + journal.outbox().unsentCount() + " of " + EVENTS + " events never acknowledged; "
                                + connections.get() + " connections, " + publishes.get() + " publishes");
            } finally {
                link.close();
            }
            lastLink = link;
        }
    }

    private CentralLink lastLink;

    @Test
    void aBrokerThatStopsAcknowledgingWhileItsConnectionLooksAliveIsLeftForANewConnection() throws Exception {
        // The first connection takes every publish and never acknowledges one (its keepalives are fine).
        drains((connection, attempt, listener) -> {
            if (connection > 1) {
                acknowledge(listener);
            }
        }, "a PUBACK that never comes");
        assertTrue(connections.get() >= 2, "the link connected again: " + connections.get());
        assertTrue(lastLink.acknowledgementTimeouts() >= 1, "and said why");
    }

    @Test
    void tooManyPublishesInProgressIsWaitedOutWithoutSpinning() throws Exception {
        java.util.concurrent.atomic.AtomicLong refuseUntilNs = new java.util.concurrent.atomic.AtomicLong();
        AtomicInteger refused = new AtomicInteger();
        drains((connection, attempt, listener) -> {
            // Paho refuses everything for 1.5 s from the first publish on.
            refuseUntilNs.compareAndSet(0, System.nanoTime() + 1_500_000_000L);
            if (System.nanoTime() < refuseUntilNs.get()) {
                refused.incrementAndGet();
                throw new MqttException(MqttException.REASON_CODE_MAX_INFLIGHT);
            }
            acknowledge(listener);
        }, "too many publishes in progress");
        assertTrue(refused.get() >= 1, "Paho refused publishes");
        // A refused publish starts the round again after a pause, not at once: 1.5 s of refusals is a handful of tries.
        assertTrue(refused.get() < 50, refused.get() + " publishes tried while Paho refused every one: the link spun");
    }

    @Test
    void aConnectionLostWithPublishesInFlightLosesNoEvent() throws Exception {
        drains((connection, attempt, listener) -> {
            if (connection == 1) {
                if (attempt == 10) {
                    connected.set(false);
                    pahoCallbacks.execute(() -> callback.get().connectionLost(new MqttException(MqttException.REASON_CODE_CONNECTION_LOST,
                            new EOFException())));
                }
                return; // in flight when the connection went: never acknowledged on it
            }
            acknowledge(listener);
        }, "a connection lost mid-flight");
        assertEquals(2, connections.get(), "one reconnect");
    }
}
