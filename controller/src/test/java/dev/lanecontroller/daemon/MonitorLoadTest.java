package dev.lanecontroller.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanecontroller.config.ConfigLoader;
import dev.lanecontroller.monitor.MonitorStream;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The monitor under load (docs/monitor.md): twenty pages streaming at once and one client that
 * opens the stream and never reads it, beside a lane under traffic. The lane keeps deciding and
 * answering /health, every page keeps getting the lane's view, the stalled client's stream is
 * freed by the daemon (not by the client going away), and a page past the limit is told to retry.
 */
class MonitorLoadTest {
    private static final int PAGES = 20;

    @TempDir
    Path dir;

    @Test
    void twentyPagesAndAStalledClientLeaveTheLaneUnaffected() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        var config = ConfigLoader.load(Files.writeString(dir.resolve("lane.yaml"), """
                lane: {id: lane-41}
                storage: {path: data/lane.db}
                health: {host: 127.0.0.1, port: %d}
                hardware:
                  kind: simulated
                  simulated: {traffic: true, vehiclesPerHour: 3600, seed: 41, demoListCards: 500}
                """.formatted(port)));
        try (LaneDaemon lane = LaneDaemon.start(config, Host.forTests(new PrintStream(new ByteArrayOutputStream(), true)))) {
            String base = "http://127.0.0.1:" + port;
            HttpClient http = HttpClient.newHttpClient();
            AtomicBoolean reading = new AtomicBoolean(true);
            AtomicIntegerArray views = new AtomicIntegerArray(PAGES);
            List<Thread> pages = new ArrayList<>();
            for (int i = 0; i < PAGES; i++) {
                int page = i;
                Thread thread = new Thread(() -> readStream(http, base, reading, views, page), "page-" + i);
                thread.setDaemon(true);
                thread.start();
                pages.add(thread);
            }
            Socket stalled = new Socket();
            stalled.setReceiveBufferSize(1024);
            stalled.connect(new InetSocketAddress("127.0.0.1", port));
            stalled.getOutputStream().write(("GET /monitor/stream HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            try {
                long decisionsBefore = metric(http, base, "lane_decisions_total");
                await(() -> metric(http, base, "lane_decisions_total") >= decisionsBefore + 2, 120_000, "two more decisions under the load");
                for (int i = 0; i < PAGES; i++) {
                    int page = i;
                    int seen = views.get(page);
                    await(() -> views.get(page) > seen, 30_000, "page " + page + " still getting views");
                }
                HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create(base + "/health")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertTrue(health.body().contains("\"laneLoop\":{\"ok\":true"), health.body());

                reading.set(false);
                for (Thread page : pages) {
                    page.join(30_000);
                }
                // The stalled client is still connected and has read nothing: the daemon frees its stream itself.
                await(() -> metric(http, base, "lane_monitor_streams") == 0, 30_000, "every stream freed, the stalled one too");
                assertTrue(stalled.isConnected() && !stalled.isClosed());
            } finally {
                stalled.close();
            }
            // Past the limit: told to retry, not queued.
            List<Socket> held = new ArrayList<>();
            try {
                for (int i = 0; i < MonitorStream.STREAMS_MAX; i++) {
                    Socket socket = new Socket("127.0.0.1", port);
                    socket.getOutputStream().write(("GET /monitor/stream HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                    held.add(socket);
                }
                await(() -> metric(http, base, "lane_monitor_streams") == MonitorStream.STREAMS_MAX, 30_000, "every slot taken");
                HttpResponse<String> refused = http.send(HttpRequest.newBuilder(URI.create(base + "/monitor/stream")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(503, refused.statusCode());
                assertEquals("5", refused.headers().firstValue("Retry-After").orElse(""));
                assertTrue(metric(http, base, "lane_monitor_streams_refused_total") >= 1);
            } finally {
                for (Socket socket : held) {
                    socket.close();
                }
            }
        }
    }

    /** A page: reads the stream, counting views, and opens it again when the lane ends it, until told to stop. */
    private static void readStream(HttpClient http, String base, AtomicBoolean reading, AtomicIntegerArray views, int page) {
        while (reading.get()) {
            try {
                HttpResponse<java.io.InputStream> response = http.send(HttpRequest.newBuilder(URI.create(base + "/monitor/stream")).build(),
                        HttpResponse.BodyHandlers.ofInputStream());
                try (BufferedReader lines = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
                    for (String line = lines.readLine(); line != null && reading.get(); line = lines.readLine()) {
                        if (line.startsWith("data: {\"lane\"")) {
                            views.incrementAndGet(page);
                        }
                    }
                }
            } catch (Exception e) {
                // Reconnect, as a browser does.
            }
        }
    }

    private static long metric(HttpClient http, String base, String name) {
        try {
            String text = http.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
            long total = 0;
            Matcher lines = Pattern.compile("(?m)^" + name + "(\\{[^}]*\\})? ([0-9.eE+-]+)$").matcher(text);
            while (lines.find()) {
                total += (long) Double.parseDouble(lines.group(2));
            }
            return total;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void await(BooleanSupplier condition, long timeoutMs, String what) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (!condition.getAsBoolean()) {
            assertTrue(System.currentTimeMillis() < deadline, "no " + what + " within " + timeoutMs + " ms");
            Thread.sleep(50);
        }
    }
}
