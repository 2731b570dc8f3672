package dev.lanecontroller.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanecontroller.core.ListInfo;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** /health names what is wrong and answers 503 for it; /metrics counts decisions by outcome and reason. */
class HealthTest {
    private static final long DAY_MS = 24L * 3600 * 1000;
    private static final long NOW = 1_795_000_000_000L;

    static Health.Snapshot healthy() {
        return new Health.Snapshot(10_000, true, 9_500, false, 0, "AUTOMATED", null, true, 0,
                List.of(new ListInfo("NEXUS", 3, NOW - 1_000, NOW + DAY_MS, 10)), Set.of("NEXUS"), NOW, DAY_MS, true);
    }

    @Test
    void eachProblemIsNamedAndMakesTheLaneUnhealthy() {
        assertTrue(Health.evaluate(healthy()).ok());
        Health.Snapshot h = healthy();
        Map<String, Health.Snapshot> broken = Map.of(
                "laneLoop", new Health.Snapshot(20_000, true, 9_500, false, 0, "AUTOMATED", null, true, 0, h.lists(), h.programs(), NOW,
                        DAY_MS, true),
                "store", new Health.Snapshot(10_000, true, 9_500, true, 3, "FAULT", "JOURNAL_FAULT", true, 0, h.lists(), h.programs(), NOW,
                        DAY_MS, true),
                "centralLink", new Health.Snapshot(10_000, true, 9_500, false, 0, "AUTOMATED", null, false, 42, h.lists(), h.programs(),
                        NOW, DAY_MS, true),
                "lists", new Health.Snapshot(10_000, true, 9_500, false, 0, "AUTOMATED", null, true, 0, h.lists(), h.programs(),
                        NOW + 2 * DAY_MS, DAY_MS, true),
                "clock", new Health.Snapshot(10_000, true, 9_500, false, 0, "AUTOMATED", null, true, 0, h.lists(), h.programs(), NOW,
                        DAY_MS, false));
        broken.forEach((check, snapshot) -> {
            Health.Result result = Health.evaluate(snapshot);
            assertFalse(result.ok(), check);
            assertFalse(result.checks().get(check).ok(), check + ": " + result.checks());
        });
        assertEquals("not connected, backlog 40+", Health.evaluate(broken.get("centralLink")).checks().get("centralLink").detail());
        assertFalse(Health.evaluate(broken.get("store")).checks().get("lane").ok(), "a lane in FAULT is unhealthy");
    }

    @Test
    void theEndpointAnswersHealthAndMetrics() throws Exception {
        LaneMetrics metrics = new LaneMetrics();
        metrics.onDecision(decision("CLEARED", List.of()), 400_000);
        metrics.onDecision(decision("NOT_ON_LIST", List.of("NOT_ON_LIST", "RANDOM")), 3_000_000);
        metrics.onDecision(decision("LOOKOUT", List.of("LOOKOUT")), 3_000_000);
        metrics.onEvent(new dev.lanecontroller.store.JournalEntry(1, "b", 1, 1, true, "LOOKOUT_ALERT", "{}", "", ""));
        metrics.gauge("lane_outbox_backlog_events", "backlog", () -> 7);
        AtomicReference<Health.Snapshot> snapshot = new AtomicReference<>(healthy());
        try (HealthServer server = new HealthServer(new InetSocketAddress("127.0.0.1", 0), snapshot::get, metrics)) {
            HttpClient http = HttpClient.newHttpClient();
            String base = "http://127.0.0.1:" + server.port();
            HttpResponse<String> ok = http.send(HttpRequest.newBuilder(URI.create(base + "/health")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, ok.statusCode());
            assertTrue(ok.body().contains("\"status\":\"ok\""), ok.body());
            Health.Snapshot h = healthy();
            snapshot.set(new Health.Snapshot(10_000, true, 9_500, false, 0, "AUTOMATED", null, false, 5, h.lists(), h.programs(), NOW,
                    DAY_MS, true));
            HttpResponse<String> bad = http.send(HttpRequest.newBuilder(URI.create(base + "/health")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(503, bad.statusCode());
            assertTrue(bad.body().contains("\"centralLink\":{\"ok\":false"), bad.body());
            String text = http.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
            assertTrue(text.contains("lane_decisions_total{outcome=\"CLEARED\"} 1.0"), text);
            assertTrue(text.contains("lane_decision_reasons_total{reason=\"CARD_CHECK\"} 2.0"), text);
            assertTrue(text.contains("lane_decisions_total{outcome=\"CARD_CHECK\"} 2.0"), text);
            assertFalse(text.contains("LOOKOUT"), "a lookout is never named in the metrics, which the cabinet can read: " + text);
            assertTrue(text.contains("lane_decision_step_seconds_bucket{le=\"5.0E-4\"} 1"), text);
            assertTrue(text.contains("lane_outbox_backlog_events 7.0"), text);
            HttpResponse<String> post = http.send(HttpRequest.newBuilder(URI.create(base + "/health")).POST(HttpRequest.BodyPublishers.noBody())
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(405, post.statusCode());
        }
    }

    @Test
    void aStateThatCannotBeReadIsAnUnhealthyAnswerNotABrokenEndpoint() throws Exception {
        LaneMetrics metrics = new LaneMetrics();
        metrics.gauge("lane_outbox_backlog_events", "backlog", () -> {
            throw new IllegalStateException("disk I/O error");
        });
        metrics.gauge("lane_fault", "fault", () -> 1);
        Supplier<Health.Snapshot> unreadable = () -> {
            throw new IllegalStateException("cannot count the backlog: disk I/O error");
        };
        try (HealthServer server = new HealthServer(new InetSocketAddress("127.0.0.1", 0), unreadable, metrics)) {
            HttpClient http = HttpClient.newHttpClient();
            String base = "http://127.0.0.1:" + server.port();
            HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create(base + "/health")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(503, health.statusCode());
            assertTrue(health.body().contains("\"state\":{\"ok\":false,\"detail\":\"cannot be read: cannot count the backlog: disk I/O error\"}"),
                    health.body());
            HttpResponse<String> scrape = http.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, scrape.statusCode());
            assertTrue(scrape.body().contains("lane_outbox_backlog_events NaN"), scrape.body());
            assertTrue(scrape.body().contains("lane_fault 1.0"), "the other metrics are still there: " + scrape.body());
        }
    }

    @Test
    void backlogsAreShownRoughlySoAnAlertsExtraEventIsNotSeen() {
        assertEquals("0", Health.roughCount(0));
        assertEquals("under 10", Health.roughCount(1));
        assertEquals("under 10", Health.roughCount(9));
        assertEquals("40+", Health.roughCount(42));
        assertEquals("40+", Health.roughCount(43));
        assertEquals("100+", Health.roughCount(199));
        assertEquals("3000000+", Health.roughCount(3_141_592));
    }

    private static dev.lanecontroller.core.LaneEvent.DecisionMade decision(String outcome, List<String> reasons) {
        return new dev.lanecontroller.core.LaneEvent.DecisionMade(1, outcome, reasons, "AUTOMATED", false, List.of(), 0, null, 0, Map.of(),
                0.5, 0.0, 0);
    }
}
