package dev.lanecontroller.link;

import io.moquette.broker.Server;
import io.moquette.broker.config.MemoryConfig;
import java.nio.file.Path;
import java.util.Properties;

/** Moquette 0.17 in this JVM, with its H2 store under the test's folder so sessions survive a restart. */
final class MoquetteBroker implements TestBroker {
    private final Path dataDir;
    private final int port;
    private Server server;

    MoquetteBroker(Path dataDir, int port) {
        this.dataDir = dataDir;
        this.port = port;
    }

    @Override
    public String uri() {
        return "tcp://127.0.0.1:" + port;
    }

    @Override
    public String name() {
        return "moquette";
    }

    @Override
    public synchronized void start() throws Exception {
        Properties properties = new Properties();
        properties.setProperty("host", "127.0.0.1");
        properties.setProperty("port", Integer.toString(port));
        properties.setProperty("websocket_port", "disabled");
        properties.setProperty("allow_anonymous", "true");
        properties.setProperty("persistence_enabled", "true");
        properties.setProperty("data_path", dataDir.resolve("moquette").toString());
        properties.setProperty("netty.mqtt.message_size", Integer.toString(16 * 1024 * 1024));
        properties.setProperty("session_queue_size", "1048576");
        properties.setProperty("immediate_buffer_flush", "true");
        server = new Server();
        server.startServer(new MemoryConfig(properties));
    }

    @Override
    public synchronized void stop() {
        if (server != null) {
            server.stopServer();
            server = null;
        }
    }

    @Override
    public void close() {
        stop();
    }
}
