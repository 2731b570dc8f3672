package dev.lanecontroller.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.lanecontroller.contract.CommandWire;
import dev.lanecontroller.contract.StatusWire;
import dev.lanecontroller.pki.Tls;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The broker example in provisioning/broker/ (its mosquitto.conf and the ACL broker-acl.sh makes),
 * run by Debian's Mosquitto with only paths and port changed: a lane publishes as itself; another
 * lane's certificate cannot publish events, a status, commands or lists in its name; a client
 * without a certificate from the CA does not get in; central's commands still reach the lane.
 */
class BrokerAclTest {
    @TempDir
    Path dir;

    @Test
    void onlyTheLanesOwnCertificatePublishesAsTheLaneAndOnlyCentralCommands() throws Exception {
        assumeTrue(MosquittoBroker.installed(), "mosquitto is not installed here; .ci/run installs it and runs this test");
        TestPki pki = TestPki.forLane(dir.resolve("pki"));
        pki.issue("other-lane", "test-site-lane-08", null);
        TestPki strangers = new TestPki(dir.resolve("strangers"));
        strangers.issue("lane", "test-site-lane-07", null);
        Path acl = pki.dir.resolve("acl");
        Process script = new ProcessBuilder("bash", Path.of("..", "provisioning", "broker", "broker-acl.sh").toString(), "--central", "central",
                "test-site/lane-07", "test-site/lane-08").redirectOutput(acl.toFile()).redirectErrorStream(false).start();
        assertEquals(0, script.waitFor(), "broker-acl.sh ran");
        int port = TestBroker.freePort();
        String config = Files.readString(Path.of("..", "provisioning", "broker", "mosquitto.conf.example"))
                .replace("listener 8883", "listener " + port + " 127.0.0.1")
                .replace("/etc/mosquitto/lanes/", pki.dir.toAbsolutePath() + "/")
                .replace("/var/lib/mosquitto/", dir.resolve("broker").toAbsolutePath() + "/");
        try (MosquittoBroker broker = MosquittoBroker.withConfig(dir.resolve("broker"), port, config)) {
            broker.start();
            try (CentralConsumer central = new CentralConsumer(broker.uri(), Tls.socketFactory(pki.file("ca.pem"), pki.file("central.pem"),
                    pki.file("central.key")), "central-acl", "lc/v1/+/+/events", "lc/v1/+/+/status", "lc/v1/+/+/replies", "lc/v1/lists/#");
                 LaneFixture lane = new LaneFixture(dir.resolve("lane"), broker.uri(), 120_000, pki.file("ca.pem"), pki.file("lane.pem"),
                         pki.file("lane.key"))) {
                // The lane publishes as itself.
                assertTrue(EventSyncTest.waitFor(() -> lane.link.link().connects() >= 1, 15_000), "the lane connected");
                LinkHarness.append(lane.journal, 3, "PASSAGE");
                lane.link.link().sync().wake();
                long laneEvents = lane.journal.lastSeq();
                assertTrue(central.await(() -> central.distinctEvents() >= laneEvents, 15_000), "the lane's events arrived");

                // Another lane's certificate: accepted by the broker, but not as lane-07.
                // Mosquitto drops a denied publish and, with this MQTT 3.1.1 client, ends the connection: one connection per try.
                byte[] forged = "{\"forged\":true}".getBytes(StandardCharsets.UTF_8);
                byte[] command = CommandWire.sealed(UUID.randomUUID().toString(), LaneFixture.SITE, LaneFixture.LANE, "SET_MODE", Instant.now(),
                        "forger", Map.of("mode", "MANUAL"), "central-ops", lane.commandKey.getPrivate());
                forge(broker.uri(), pki, "lc/v1/test-site/lane-07/events", forged, false);
                forge(broker.uri(), pki, "lc/v1/test-site/lane-07/status", forged, true);
                forge(broker.uri(), pki, "lc/v1/lists/NEXUS/manifest", forged, true);
                forge(broker.uri(), pki, lane.topics.commands(), command, false);
                byte[] ownStatus = new StatusWire("test-site", "lane-08", "boot-08", UUID.randomUUID().toString(), "test", 1_000)
                        .offline("stopped", System.currentTimeMillis());
                assertTrue(forge(broker.uri(), pki, "lc/v1/test-site/lane-08/status", ownStatus, false), "its own topic: this one goes through");
                assertTrue(central.await(() -> !central.on("lc/v1/test-site/lane-08/status").isEmpty(), 10_000),
                        "the other lane publishes on its own topics (its certificate works)");
                // What comes after the forgeries on the same broker is the signal that they were handled:
                // the lane's own next event, and central's own command.
                LinkHarness.append(lane.journal, 1, "PASSAGE");
                lane.link.link().sync().wake();
                assertTrue(central.await(() -> central.distinctEvents() > laneEvents, 15_000), "the lane's next event arrived");
                assertEquals(laneEvents + 1, central.distinctEvents(), "no forged event arrived as lane-07's");
                assertTrue(central.on("lc/v1/test-site/lane-07/status").stream().noneMatch(m -> m.has("forged")), "no forged status");
                assertEquals(List.of(), central.on("lc/v1/lists/NEXUS/manifest"), "no lane publishes lists");

                // Central's own command reaches the lane (the ACL lets central write commands).
                central.publish(lane.topics.commands(), CommandWire.sealed(UUID.randomUUID().toString(), LaneFixture.SITE, LaneFixture.LANE,
                        "SET_MODE", Instant.now(), "officer", Map.of("mode", "MANUAL"), "central-ops", lane.commandKey.getPrivate()), false);
                assertTrue(EventSyncTest.waitFor(() -> lane.events("COMMAND_RECEIVED").size() >= 1, 10_000), "central's command arrived");
                assertEquals(1, lane.events("COMMAND_RECEIVED").size() + lane.events("COMMAND_REJECTED").size(),
                        "a command from another lane's certificate never reached the lane, even one signed by central's key");

                // No certificate from the CA, no connection.
                assertThrows(MqttException.class, () -> client(broker.uri(), "test-site-lane-07", strangers.file("lane.pem"),
                        strangers.file("lane.key"), pki), "a certificate from another CA with lane-07's name is refused");
                MqttClient anonymous = new MqttClient(broker.uri(), "anonymous", new MemoryPersistence());
                MqttConnectOptions options = new MqttConnectOptions();
                options.setSocketFactory(trustOnly(pki.file("ca.pem")));
                assertThrows(MqttException.class, () -> anonymous.connect(options), "a client without a certificate is refused");
                anonymous.close();
            }
        }
    }

    /** TLS that trusts the broker but offers no certificate of its own. */
    private static javax.net.ssl.SSLSocketFactory trustOnly(Path caFile) throws Exception {
        java.security.KeyStore trust = java.security.KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        try (var in = Files.newInputStream(caFile)) {
            trust.setCertificateEntry("ca", java.security.cert.CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        javax.net.ssl.TrustManagerFactory trustManagers = javax.net.ssl.TrustManagerFactory.getInstance(
                javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
        trustManagers.init(trust);
        javax.net.ssl.SSLContext context = javax.net.ssl.SSLContext.getInstance("TLSv1.2");
        context.init(null, trustManagers.getTrustManagers(), null);
        return context.getSocketFactory();
    }

    /** Publishes with the other lane's certificate; true when the broker took it. */
    private static boolean forge(String uri, TestPki pki, String topic, byte[] payload, boolean retained) throws Exception {
        MqttClient forger = client(uri, "test-site-lane-08", pki.file("other-lane.pem"), pki.file("other-lane.key"), pki);
        try {
            forger.publish(topic, payload, 1, retained);
            forger.disconnect();
            return true;
        } catch (MqttException refused) {
            return false;
        } finally {
            forger.close(true);
        }
    }

    private static MqttClient client(String uri, String clientId, Path cert, Path key, TestPki pki) throws Exception {
        MqttClient client = new MqttClient(uri, clientId, new MemoryPersistence());
        MqttConnectOptions options = new MqttConnectOptions();
        options.setSocketFactory(Tls.socketFactory(pki.file("ca.pem"), cert, key));
        options.setConnectionTimeout(5);
        client.connect(options);
        return client;
    }
}
