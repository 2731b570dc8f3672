package dev.lanecontroller.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.lanecontroller.pki.Tls;
import java.nio.file.Path;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mutual TLS against Mosquitto with certificates made in the test: the lane connects with its
 * client certificate and its events arrive; a lane whose certificate the broker's CA did not sign
 * is refused. Needs Debian's mosquitto (.ci/run installs it; without it this test cannot run).
 */
class TlsLinkTest {
    @TempDir
    Path dir;

    @Test
    void theLaneSpeaksMutualTlsAndAStrangerIsRefused() throws Exception {
        assumeTrue(MosquittoBroker.installed(), "mosquitto is not installed here; .ci/run installs it and runs this test");
        TestPki pki = TestPki.forLane(dir.resolve("pki"));
        TestPki otherPki = new TestPki(dir.resolve("other-pki"));
        otherPki.issue("impostor", "test-site-lane-07", null);
        String tls = pki.mosquittoTls();
        try (MosquittoBroker broker = new MosquittoBroker(dir.resolve("broker"), TestBroker.freePort(), tls)) {
            broker.start();
            MqttClient central = new MqttClient(broker.uri(), "central-tls", new MemoryPersistence());
            MqttConnectOptions options = new MqttConnectOptions();
            options.setSocketFactory(Tls.socketFactory(pki.file("ca.pem"), pki.file("central.pem"), pki.file("central.key")));
            central.connect(options);
            java.util.concurrent.atomic.AtomicInteger events = new java.util.concurrent.atomic.AtomicInteger();
            central.subscribe("lc/v1/+/+/events", 1, (topic, message) -> events.incrementAndGet());

            try (LaneFixture lane = new LaneFixture(dir.resolve("lane"), broker.uri(), 120_000, pki.file("ca.pem"), pki.file("lane.pem"),
                    pki.file("lane.key"))) {
                assertTrue(EventSyncTest.waitFor(() -> lane.link.link().connects() >= 1, 15_000), "the lane connected over TLS");
                LinkHarness.append(lane.journal, 5, "PASSAGE");
                lane.link.link().sync().wake();
                assertTrue(EventSyncTest.waitFor(() -> events.get() >= 5, 15_000), "its events arrived");
            }
            try (LaneFixture impostor = new LaneFixture(dir.resolve("impostor"), broker.uri(), 120_000, pki.file("ca.pem"),
                    otherPki.file("impostor.pem"), otherPki.file("impostor.key"))) {
                assertTrue(EventSyncTest.waitFor(() -> impostor.link.link().connectFailures() > 1, 30_000), "the impostor tried, and tried again");
                assertEquals(0, impostor.link.link().connects(), "a certificate from another CA is refused");
            }
            central.disconnect();
            central.close();
        }
    }
}
