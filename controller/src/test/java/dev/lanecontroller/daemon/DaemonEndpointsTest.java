package dev.lanecontroller.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanecontroller.config.ConfigLoader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daemon's /health says what the lane is doing beside its checks (signal, gate, loops, reader);
 * its /metrics, scraped as Prometheus scrapes it: the release, the JVM and the process, and
 * what the lane is doing (mode, aspect, arm, loops, the reader last heard) beside the counters; and
 * the whole text passes Prometheus's own linter, `promtool check metrics` (Debian's prometheus
 * package, which .ci/run installs).
 */
class DaemonEndpointsTest {
    @TempDir
    Path dir;

    @Test
    void healthShowsTheLaneAndMetricsDescribeTheReleaseTheProcessAndTheLaneAndPassPromtool() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        var config = ConfigLoader.load(Files.writeString(dir.resolve("lane.yaml"), """
                lane: {id: lane-21}
                storage: {path: data/lane.db}
                health: {host: 127.0.0.1, port: %d}
                hardware:
                  kind: simulated
                  simulated: {traffic: false, demoListCards: 0}
                """.formatted(port)));
        Host host = Host.forTests(new PrintStream(new ByteArrayOutputStream(), true));
        String text;
        com.fasterxml.jackson.databind.JsonNode health;
        try (LaneDaemon lane = LaneDaemon.start(config, host)) {
            HttpClient http = HttpClient.newHttpClient();
            URI metrics = URI.create("http://127.0.0.1:" + port + "/metrics");
            // The lane commands STOP as its first step: wait for that, then read everything at once.
            long deadline = System.currentTimeMillis() + 10_000;
            do {
                text = http.send(HttpRequest.newBuilder(metrics).build(), HttpResponse.BodyHandlers.ofString()).body();
                assertTrue(System.currentTimeMillis() < deadline, "no STOP aspect in /metrics:\n" + text);
            } while (!text.contains("lane_signal_aspect{aspect=\"STOP\"} 1.0"));
            health = new com.fasterxml.jackson.databind.ObjectMapper().readTree(http.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/health")).build(), HttpResponse.BodyHandlers.ofString()).body());
        }
        com.fasterxml.jackson.databind.JsonNode state = health.get("lane");
        assertEquals("AUTOMATED", state.get("mode").asText(), health.toString());
        assertEquals("STOP", state.get("signal").asText(), health.toString());
        assertEquals("closed", state.get("gate").get("position").asText(), health.toString());
        assertEquals("clear", state.get("loops").get("ARMING").asText(), health.toString());
        assertEquals("clear", state.get("loops").get("SAFETY").asText(), health.toString());
        assertTrue(state.get("reader").get("lastHeardSeconds").asDouble() >= 0, health.toString());
        assertTrue(health.get("checks").has("laneLoop"), "the checks are still there: " + health);
        for (String expected : List.of("lane_build_info{version=\"", "jvm_memory_used_bytes{area=\"heap\"}", "process_cpu_seconds_total",
                "jvm_threads_current", "lane_mode{mode=\"AUTOMATED\"} 1.0", "lane_mode{mode=\"FAULT\"} 0.0",
                "lane_signal_aspect{aspect=\"PROCEED\"} 0.0", "lane_gate_position{position=\"", "lane_loop_occupied{loop=\"ARMING\"} 0.0",
                "lane_loop_occupied{loop=\"SAFETY\"} 0.0", "lane_reader_last_heard_seconds ")) {
            assertTrue(text.contains(expected), "missing " + expected + " in:\n" + text);
        }
        Path promtool = Path.of("/usr/bin/promtool");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(promtool), "promtool (Debian's prometheus package) is not installed");
        Process check = new ProcessBuilder(promtool.toString(), "check", "metrics").redirectErrorStream(true).start();
        check.getOutputStream().write(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        check.getOutputStream().close();
        String verdict = new String(check.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(check.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, check.exitValue(), "promtool check metrics:\n" + verdict);
        assertEquals("", verdict.strip(), "promtool's lint findings");
    }
}
