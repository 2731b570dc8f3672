package dev.lanecontroller.link;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;

/**
 * A real MQTT broker on a free loopback port, stopped and started again by the outage tests.
 * HiveMQ Community Edition (embedded) by default, so `mvn verify` needs nothing installed; Debian's
 * Mosquitto with {@code -Dlane.broker=mosquitto} (what .ci/run does as well).
 *
 * <p>Not Moquette (0.17, the last one on Maven Central): it marks a connection as connected only in
 * the completion listener of its CONNACK's write, so a client that subscribes the moment it reads
 * the CONNACK (Paho does) can have its SUBSCRIBE handled first; Moquette then logs "SUBSCRIBE
 * received on already closed connection" and closes the socket, and the client sees
 * {@code Connection lost (32109) - java.io.EOFException}. It happened in about one run in ten of
 * the link tests on a loaded machine (ListSyncTest, CentralToolsTest, EventSyncTest's consumer).
 * Newer Moquette keeps the same pattern (MQTTConnection, 0.18.5).
 */
public interface TestBroker extends AutoCloseable {
    String uri();

    /** Stops the broker; sessions of clients with clean session off survive (the broker persists them). */
    void stop() throws Exception;

    void start() throws Exception;

    String name();

    @Override
    void close();

    static TestBroker start(Path dataDir) throws Exception {
        String kind = System.getProperty("lane.broker", "hivemq");
        TestBroker broker = switch (kind) {
            case "hivemq" -> new HiveMqBroker(dataDir, freePort());
            case "mosquitto" -> new MosquittoBroker(dataDir, freePort());
            default -> throw new IllegalArgumentException("lane.broker must be hivemq or mosquitto, got " + kind);
        };
        broker.start();
        return broker;
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
