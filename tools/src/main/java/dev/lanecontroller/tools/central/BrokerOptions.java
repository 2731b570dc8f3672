package dev.lanecontroller.tools.central;

import dev.lanecontroller.pki.Tls;
import java.io.IOException;
import java.nio.file.Path;
import java.util.UUID;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import picocli.CommandLine.Option;

/** How central's tools reach the broker: the same TLS files a lane uses, or plain TCP when asked for. */
final class BrokerOptions {
    static final long RECONNECT_WAIT_MS = 10_000;

    @Option(names = "--broker", required = true, description = "ssl://HOST:PORT, or tcp://HOST:PORT with --allow-plain-tcp")
    String broker;

    @Option(names = "--ca", description = "the CA that signed the broker's certificate (PEM)")
    Path ca;

    @Option(names = "--cert", description = "this tool's client certificate (PEM)")
    Path cert;

    @Option(names = "--cert-key", description = "the client certificate's private key (PEM, PKCS#8)")
    Path certKey;

    @Option(names = "--allow-plain-tcp", description = "allow tcp:// (test rigs only)")
    boolean allowPlainTcp;

    @Option(names = "--client-id", description = "MQTT client id (default: a random one)")
    String clientId;

    @Option(names = "--topic-root", defaultValue = "lc/v1", description = "the topic root (default: ${DEFAULT-VALUE})")
    String topicRoot;

    /**
     * Connects, with Paho reconnecting by itself after a drop (for the short commands);
     * {@code session} names a persistent session (so the broker keeps messages while this tool is away).
     */
    MqttClient connect(String session) throws IOException, MqttException {
        return connect(session, true);
    }

    /** Connects; without {@code automaticReconnect} the caller reconnects (a long-running tail: see its reconnect). */
    MqttClient connect(String session, boolean automaticReconnect) throws IOException, MqttException {
        MqttConnectOptions options = new MqttConnectOptions();
        options.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        options.setCleanSession(session == null);
        options.setMaxInflight(1_000);
        options.setAutomaticReconnect(automaticReconnect);
        if (broker.startsWith("ssl://")) {
            if (ca == null || cert == null || certKey == null) {
                throw new IOException("ssl:// needs --ca, --cert and --cert-key");
            }
            options.setSocketFactory(Tls.socketFactory(ca, cert, certKey));
        } else if (!allowPlainTcp) {
            throw new IOException("plain " + broker + " sends everything unencrypted: use ssl://, or --allow-plain-tcp on a test rig");
        }
        String id = session != null ? session : clientId != null ? clientId : "central-tool-" + UUID.randomUUID().toString().substring(0, 8);
        MqttClient client = new MqttClient(broker, id, new MemoryPersistence());
        client.connect(options);
        return client;
    }

    /**
     * Waits for the client to be connected (Paho reconnects by itself after a drop) before an
     * operation, so a moment's disconnection does not fail a technician's command.
     */
    static void awaitConnected(MqttClient client) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + RECONNECT_WAIT_MS * 1_000_000;
        while (!client.isConnected()) {
            if (System.nanoTime() > deadline) {
                throw new IOException("not connected to " + client.getServerURI() + " after " + RECONNECT_WAIT_MS / 1000 + " s");
            }
            Thread.sleep(50);
        }
    }

    /** A connection that is lost already: nothing to say goodbye to. */
    static void closeForcibly(MqttClient client) {
        try {
            client.disconnectForcibly(0, 0, false);
        } catch (MqttException e) {
            // Already disconnected.
        }
        try {
            client.close(true);
        } catch (MqttException e) {
            System.getLogger(BrokerOptions.class.getName()).log(System.Logger.Level.DEBUG, "close: " + e.getMessage());
        }
    }

    /** The work is done: a failing disconnect (the broker already dropped us) changes nothing. */
    static void closeQuietly(MqttClient client) {
        try {
            if (client.isConnected()) {
                client.disconnect();
            }
            client.close();
        } catch (MqttException e) {
            System.getLogger(BrokerOptions.class.getName()).log(System.Logger.Level.DEBUG, "disconnect: " + e.getMessage());
        }
    }
}
