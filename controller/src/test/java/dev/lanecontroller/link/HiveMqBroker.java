package dev.lanecontroller.link;

import com.hivemq.embedded.EmbeddedHiveMQ;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * HiveMQ Community Edition in this JVM, with its data under the test's folder so persistent
 * sessions, their queued messages and retained messages survive a stop and start, as they do with
 * a broker in the field.
 */
final class HiveMqBroker implements TestBroker {
    /** Starting takes about a second here; a loaded machine gets far more than that. */
    private static final long START_TIMEOUT_S = 60;
    /**
     * The queue a persistent session keeps for its client. HiveMQ's default (1,000, the rest
     * discarded) is far below the outbox drains the tests run (100,000 events to a consumer slower
     * than the lane); central's broker is sized for its own backlog the same way.
     */
    private static final long QUEUED_MESSAGES_MAX = 2_000_000;

    private final Path dataDir;
    private final int port;
    private EmbeddedHiveMQ server;

    HiveMqBroker(Path dataDir, int port) {
        this.dataDir = dataDir;
        this.port = port;
    }

    @Override
    public String uri() {
        return "tcp://127.0.0.1:" + port;
    }

    @Override
    public String name() {
        return "hivemq";
    }

    @Override
    public synchronized void start() throws Exception {
        Path conf = Files.createDirectories(dataDir.resolve("hivemq-conf"));
        Files.writeString(conf.resolve("config.xml"), """
                <?xml version="1.0"?>
                <hivemq>
                  <listeners>
                    <tcp-listener><port>%d</port><bind-address>127.0.0.1</bind-address></tcp-listener>
                  </listeners>
                  <mqtt>
                    <queued-messages><max-queue-size>%d</max-queue-size><strategy>discard</strategy></queued-messages>
                  </mqtt>
                  <persistence><mode>file</mode></persistence>
                  <anonymous-usage-statistics><enabled>false</enabled></anonymous-usage-statistics>
                </hivemq>
                """.formatted(port, QUEUED_MESSAGES_MAX));
        EmbeddedHiveMQ starting = EmbeddedHiveMQ.builder()
                .withConfigurationFolder(conf)
                .withDataFolder(Files.createDirectories(dataDir.resolve("hivemq-data")))
                .withExtensionsFolder(Files.createDirectories(dataDir.resolve("hivemq-extensions")))
                .withoutLoggingBootstrap()
                .build();
        starting.start().get(START_TIMEOUT_S, TimeUnit.SECONDS);
        server = starting;
    }

    @Override
    public synchronized void stop() throws Exception {
        if (server != null) {
            try {
                server.stop().get(START_TIMEOUT_S, TimeUnit.SECONDS);
            } finally {
                server.close();
                server = null;
            }
        }
    }

    @Override
    public void close() {
        try {
            stop();
        } catch (Exception e) {
            throw new IllegalStateException("the test broker did not stop: " + e, e);
        }
    }
}
