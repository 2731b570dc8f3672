package dev.lanecontroller.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lanecontroller.store.CardRecord;
import dev.lanecontroller.store.ClearanceStore;
import dev.lanecontroller.store.Database;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import picocli.CommandLine;

/**
 * {@code lane-controller run} on a bench ({@code hardware.kind: bench}), started in this process as
 * the command line starts it: the given reader section, a camera webhook, a NEXUS list of the given
 * cards, no arming loop. Closing it stops the daemon and checks it stopped cleanly.
 */
final class BenchDaemon implements AutoCloseable {
    static final String SECRET = "Bearer bench-secret-0123456789";

    private final Path db;
    private final int cameraPort;
    private final int healthPort;
    private final Path config;
    private RunCommand run;
    private Thread daemon;
    private final AtomicInteger exit = new AtomicInteger(-1);

    /** {@code moreYaml}: further top-level sections (e.g. {@code timings}), or "". */
    BenchDaemon(Path dir, List<CardRecord> cards, String readerYaml, String moreYaml) throws Exception {
        this(dir, cards, readerYaml, moreYaml, "127.0.0.1", "");
    }

    /** {@code healthHost} and {@code moreHealthYaml} (", key: value" pairs): the HTTP endpoint's bind and its further keys. */
    BenchDaemon(Path dir, List<CardRecord> cards, String readerYaml, String moreYaml, String healthHost, String moreHealthYaml) throws Exception {
        db = dir.resolve("lane.db");
        long now = System.currentTimeMillis();
        try (ClearanceStore store = new ClearanceStore(Database.open(db))) {
            store.importList("NEXUS", 1, now, now + 86_400_000L, now, sink -> {
                cards.forEach(sink);
                return cards.size();
            });
        }
        try (ServerSocket free = new ServerSocket(0); ServerSocket another = new ServerSocket(0)) {
            cameraPort = free.getLocalPort();
            healthPort = another.getLocalPort();
        }
        Files.writeString(dir.resolve("camera.secret"), SECRET + "\n");
        config = dir.resolve("lane.yaml");
        Files.writeString(config, """
                lane: {id: bench-01, armingLoop: false}
                programs: {accepted: [NEXUS]}
                policy: {plateRequired: true}
                storage: {path: %s}
                health: {host: %s, port: %d%s}
                hardware:
                  kind: bench
                  simulated: {gateTravelMs: 300}
                camera:
                  kind: webhook
                  webhook: {host: 127.0.0.1, port: %d, secretFile: camera.secret, mapping: {preset: flat}}
                """.formatted(db, healthHost, healthPort, moreHealthYaml, cameraPort) + readerYaml + moreYaml);
        assertEquals(0, Main.execute("check-config", config.toString()), "the bench's config passes check-config");
        start();
    }

    private void start() {
        exit.set(-1);
        run = new RunCommand(hardware -> {
            throw new AssertionError("a bench opens no GPIO");
        });
        CommandLine.IFactory factory = new CommandLine.IFactory() {
            @Override
            public <K> K create(Class<K> type) throws Exception {
                return type == RunCommand.class ? type.cast(run) : CommandLine.defaultFactory().create(type);
            }
        };
        daemon = new Thread(() -> exit.set(Main.execute(factory, "run", "--config", config.toString())), "bench-daemon");
        daemon.start();
    }

    /** Stops the daemon as systemd would and starts it again on the same config, ports and database. */
    void restart() throws InterruptedException {
        close();
        start();
    }

    int healthPort() {
        return healthPort;
    }

    Path db() {
        return db;
    }

    /** The lane's journaled events of this type, oldest first. */
    List<JsonNode> events(String type) {
        return ReferralWaitsForOfficerTest.events(db, type);
    }

    /** What /health says: the checks, and the lane and its devices under "lane". */
    com.fasterxml.jackson.databind.JsonNode health() throws Exception {
        return new com.fasterxml.jackson.databind.ObjectMapper().readTree(HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + healthPort + "/health")).build(), HttpResponse.BodyHandlers.ofString()).body());
    }

    /** Every journaled event, one line each: for a failure's message. */
    String journal() {
        StringBuilder lines = new StringBuilder();
        ReferralWaitsForOfficerTest.between(db, 0, Long.MAX_VALUE).forEach(event -> lines.append('\n').append(event));
        return lines.toString();
    }

    /** Posts a plate as the camera does (flat JSON); returns the HTTP status. */
    int postPlate(String text, String region, int confidence) throws Exception {
        HttpResponse<String> posted = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + cameraPort + "/plates")).header("Authorization", SECRET)
                .POST(HttpRequest.BodyPublishers.ofString("{\"plate\":\"" + text + "\",\"region\":\"" + region + "\",\"confidence\":"
                        + confidence + "}")).build(), HttpResponse.BodyHandlers.ofString());
        return posted.statusCode();
    }

    @Override
    public void close() throws InterruptedException {
        run.stop();
        daemon.join(30_000);
        assertEquals(0, exit.get(), "the daemon stopped cleanly");
    }
}
