package dev.lanecontroller.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lanecontroller.monitor.TechnicianCredential;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Who may see the lane monitor, and what it never shows: off loopback only with the technician's
 * credential (the daemon refuses to start without one), /metrics too; /health stays open for
 * monitoring; the page and its stream carry no full card number and no lookout, whatever the lane
 * decides. Against {@code lane-controller run} on a bench.
 */
class LaneMonitorAccessTest {
    private static final String PASSWORD = "cabinet-key-2026";
    private static final Pattern FULL_CARD = Pattern.compile("[0-9A-Fa-f]{16,}");

    @TempDir
    Path dir;

    @Test
    void offLoopbackTheDaemonRefusesToStartWithoutTheTechnicianCredential() throws Exception {
        Path config = Files.writeString(dir.resolve("lane.yaml"), """
                lane: {id: lane-31}
                storage: {path: data/lane.db}
                health: {host: 0.0.0.0, port: 0}
                hardware:
                  kind: simulated
                  simulated: {traffic: false, demoListCards: 0}
                """);
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream before = System.err;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        int exit;
        try {
            exit = Main.execute("run", "--config", config.toString());
        } finally {
            System.setErr(before);
        }
        assertEquals(2, exit, "a config error: systemd does not restart it");
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("health.host: '0.0.0.0' is not loopback: the lane monitor there needs "
                + "health.technicianCredential"), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void offLoopbackThePageAsksForTheCredentialHealthStaysOpenAndNothingSecretIsEverShown() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/python3")), "needs python3 for the reader emulator");
        String credential = TechnicianCredential.encode(PASSWORD.toCharArray());
        LlrpReaderEmulator reader = new LlrpReaderEmulator(dir);
        try (reader; BenchDaemon bench = new BenchDaemon(dir, LaneMonitorBrowserTest.cards(), LaneMonitorBrowserTest.readerYaml(reader),
                LaneMonitorBrowserTest.TIMINGS, "0.0.0.0", ", technicianCredential: '" + credential + "'")) {
            reader.await("ROSPEC_STARTED", 0, 30_000);
            HttpClient http = HttpClient.newHttpClient();
            String base = "http://127.0.0.1:" + bench.healthPort();
            awaitListening(http, base);
            for (String path : new String[] {"/", "/monitor.js", "/monitor.css", "/monitor/stream", "/anything", "/metrics"}) {
                HttpResponse<String> refused = get(http, base + path, null);
                assertEquals(401, refused.statusCode(), path + " without the credential");
                assertFalse(refused.body().contains("Lane monitor"), path);
            }
            for (String path : new String[] {"/", "/monitor/stream"}) {
                assertEquals(401, get(http, base + path, basic("technician", "not-the-password")).statusCode(), path + " with a wrong one");
            }
            assertTrue(Pattern.matches("200|503", Integer.toString(get(http, base + "/health", null).statusCode())), "/health stays open");
            assertEquals(401, get(http, base + "/metrics", null).statusCode(), "/metrics off loopback: the monitoring system logs in");
            String login = basic("technician", PASSWORD);
            HttpResponse<String> page = get(http, base + "/", login);
            assertEquals(200, page.statusCode());
            assertTrue(page.body().contains("<title>Lane monitor</title>"));
            assertTrue(page.headers().firstValue("Content-Security-Policy").orElse("").contains("default-src 'none'"),
                    "the browser is told to load nothing from anywhere else");
            assertTrue(get(http, base + "/metrics", login).body().contains("lane_monitor_login_failures_total 2.0"),
                    "the wrong logins are counted");

            // A name that is not the lane's (DNS rebinding through the technician's SSH tunnel): refused, login or not.
            for (String path : new String[] {"/", "/monitor/stream"}) {
                assertTrue(rawGet(bench.healthPort(), path, "rebind.example.com:" + bench.healthPort(), login).startsWith("HTTP/1.1 403"), path);
                assertTrue(rawGet(bench.healthPort(), path, "127.0.0.1:" + bench.healthPort(), login).startsWith("HTTP/1.1 200"), path);
            }

            // A member and a lookout through the lane; everything the monitor sends about them, read as a page reads it.
            MonitorStreamClient stream = new MonitorStreamClient(bench.healthPort(), login);
            LaneMonitorBrowserTest.vehicle(bench, reader, LaneMonitorBrowserTest.MEMBER, "ABC 123");
            stream.until(view -> view.path("lane").path("gate").path("position").asText().equals("closed")
                    && view.path("vehicles").size() == 1, 60_000, "the member through and the arm down");
            LaneMonitorBrowserTest.vehicle(bench, reader, LaneMonitorBrowserTest.LOOKOUT, "LKT 777");
            JsonNode view = stream.until(v -> v.path("vehicles").size() == 2, 60_000, "the lookout decided");
            assertEquals("LOOKOUT", bench.events("DECISION").get(1).get("outcome").asText(), "the journal keeps it for central");
            JsonNode lookout = view.get("vehicles").get(0);
            assertEquals("REFERRED", lookout.get("outcome").asText());
            assertEquals("CARD_CHECK", lookout.get("reason").asText(), "a lookout shows as any referral for the card");
            for (String line : stream.rawLines) {
                assertFalse(line.toUpperCase(java.util.Locale.ROOT).contains("LOOKOUT"), "the stream never says lookout: " + line);
                assertFalse(FULL_CARD.matcher(line).find(), "no full card number in the stream: " + line);
            }
            for (String asset : new String[] {"/", "/monitor.js", "/monitor.css"}) {
                String body = get(http, base + asset, login).body();
                assertFalse(body.toUpperCase(java.util.Locale.ROOT).contains("LOOKOUT"), asset + " has no word for a lookout");
            }
        }
    }

    private static void awaitListening(HttpClient http, String base) throws Exception {
        long deadline = System.currentTimeMillis() + 30_000;
        while (true) {
            try {
                get(http, base + "/health", null);
                return;
            } catch (java.io.IOException notYet) {
                assertTrue(System.currentTimeMillis() < deadline, "the daemon's HTTP endpoint did not open");
                Thread.sleep(50);
            }
        }
    }

    static HttpResponse<String> get(HttpClient http, String url, String authorization) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(java.time.Duration.ofSeconds(30));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The status line of a GET sent with this Host header (the JDK's client will not set one). */
    private static String rawGet(int port, String path, String host, String authorization) throws Exception {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
            socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nAuthorization: " + authorization
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            return new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII)).readLine();
        }
    }

    static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }
}
