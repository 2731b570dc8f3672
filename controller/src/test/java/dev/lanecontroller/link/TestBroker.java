package dev.lanecontroller.link;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;

/**
 * A real MQTT broker on a free loopback port, stopped and started again by the outage tests.
 * Moquette (embedded, MQTT 3.1.1) by default, so `mvn verify` needs nothing installed; Debian's
 * Mosquitto with {@code -Dlane.broker=mosquitto} (what .ci/run does as well).
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
        String kind = System.getProperty("lane.broker", "moquette");
        TestBroker broker = switch (kind) {
            case "moquette" -> new MoquetteBroker(dataDir, freePort());
            case "mosquitto" -> new MosquittoBroker(dataDir, freePort());
            default -> throw new IllegalArgumentException("lane.broker must be moquette or mosquitto, got " + kind);
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
