package dev.lanecontroller.ops;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import dev.lanecontroller.http.HttpReplies;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * The daemon's HTTP endpoint: GET /health (200 or 503, JSON naming what is unhealthy) and GET
 * /metrics (Prometheus text format) for supervisors and Prometheus, and the technician's lane
 * monitor ({@code /}, docs/monitor.md) when given. The JDK's own server; a thread per request,
 * bounded: every monitor stream holds one, and a few more keep /health answering beside them.
 */
public final class HealthServer implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final java.util.concurrent.ExecutorService executor;
    private final dev.lanecontroller.monitor.MonitorPages monitor;

    private static final int THREADS_BESIDE_STREAMS = 4;

    public HealthServer(InetSocketAddress address, Supplier<Health.Snapshot> snapshot, LaneMetrics metrics) throws IOException {
        this(address, snapshot, () -> null, metrics, null);
    }

    /**
     * With {@code lane}: what the lane and its devices are doing (signal, gate, loops, reader,
     * camera), shown under "lane" beside the checks; null leaves it out. With {@code monitor}, the
     * lane monitor's page and stream too.
     */
    public HealthServer(InetSocketAddress address, Supplier<Health.Snapshot> snapshot, Supplier<java.util.Map<String, Object>> lane,
                        LaneMetrics metrics, dev.lanecontroller.monitor.MonitorPages monitor) throws IOException {
        this.monitor = monitor;
        server = HttpServer.create(address, 8);
        int threads = monitor == null ? 1 : dev.lanecontroller.monitor.MonitorStream.STREAMS_MAX + THREADS_BESIDE_STREAMS;
        executor = Executors.newFixedThreadPool(threads, runnable -> {
            Thread thread = new Thread(runnable, "health-http");
            thread.setDaemon(true);
            return thread;
        });
        server.setExecutor(executor);
        server.createContext("/health", exchange -> {
            if (!HttpReplies.getOnly(exchange, "GET only")) {
                return;
            }
            Health.Result result;
            try {
                result = Health.evaluate(snapshot.get());
            } catch (RuntimeException e) {
                // The lane's state could not be read (a journal that cannot be read): that is an answer too.
                result = new Health.Result(false, java.util.Map.of("state", new Health.Check(false, "cannot be read: " + e.getMessage())));
            }
            ObjectNode body = JSON.createObjectNode();
            body.put("status", result.ok() ? "ok" : "unhealthy");
            ObjectNode checks = body.putObject("checks");
            result.checks().forEach((name, check) -> {
                ObjectNode node = checks.putObject(name);
                node.put("ok", check.ok());
                node.put("detail", check.detail());
            });
            try {
                java.util.Map<String, Object> state = lane.get();
                if (state != null) {
                    body.set("lane", JSON.valueToTree(state));
                }
            } catch (RuntimeException e) {
                body.put("lane", "cannot be read: " + e.getMessage()); // the checks above still answer
            }
            HttpReplies.send(exchange, result.ok() ? 200 : 503, "application/json", JSON.writeValueAsBytes(body));
        });
        com.sun.net.httpserver.HttpContext metricsContext = server.createContext("/metrics", exchange -> {
            if (!HttpReplies.getOnly(exchange, "GET only")) {
                return;
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            metrics.write(out);
            HttpReplies.send(exchange, 200, LaneMetrics.contentType(), out.toByteArray());
        });
        if (monitor != null) {
            monitor.addTo(server);
            monitor.guard(metricsContext); // off loopback, the counters are for the monitoring system and the technician
        }
        server.start();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
        if (monitor != null) {
            monitor.close();
        }
    }
}
