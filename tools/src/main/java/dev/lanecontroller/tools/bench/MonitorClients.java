package dev.lanecontroller.tools.bench;

import dev.lanecontroller.core.LaneState;
import dev.lanecontroller.monitor.LaneWatch;
import dev.lanecontroller.monitor.MonitorFeed;
import dev.lanecontroller.monitor.MonitorPages;
import dev.lanecontroller.ops.HealthServer;
import dev.lanecontroller.ops.LaneMetrics;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The lane monitor beside the benchmark's lane: its feed sampling the lane's state and nudged by
 * every change, its HTTP server, and pages streaming from it when asked, in this process as in the
 * daemon. The view is the lane part of the daemon's (mode, signal, gate, loops, last vehicles).
 */
final class MonitorClients implements AutoCloseable {
    private final LaneWatch watch = new LaneWatch();
    private final HealthServer server;
    private final AtomicBoolean streaming = new AtomicBoolean();
    private final AtomicLong views = new AtomicLong();
    private final List<Thread> pages = new ArrayList<>();

    /** {@code state} null until the lane is made. */
    MonitorClients(Supplier<LaneState> state) throws IOException {
        MonitorFeed feed = new MonitorFeed(() -> view(state.get()));
        watch.onChange(feed::nudge);
        server = new HealthServer(new InetSocketAddress("127.0.0.1", 0), () -> null, () -> null, new LaneMetrics(), new MonitorPages(feed, null));
    }

    LaneWatch watch() {
        return watch;
    }

    private Map<String, Object> view(LaneState state) {
        Map<String, Object> view = new LinkedHashMap<>();
        if (state == null) {
            return view; // the lane is not made yet
        }
        view.put("mode", state.mode().name());
        view.put("signal", String.valueOf(state.signal()));
        view.put("gate", String.valueOf(state.gatePosition()));
        Map<String, Object> loops = new LinkedHashMap<>();
        state.loops().forEach((loop, track) -> loops.put(loop.name(), track.occupied()));
        view.put("loops", loops);
        view.put("vehicles", watch.vehicles().rows());
        return view;
    }

    /** {@code count} pages streaming from now on, each reading everything and reconnecting when a stream ends. */
    void start(int count) {
        streaming.set(true);
        HttpClient http = HttpClient.newHttpClient();
        URI stream = URI.create("http://127.0.0.1:" + server.port() + "/monitor/stream");
        for (int i = 0; i < count; i++) {
            Thread page = new Thread(() -> {
                while (streaming.get()) {
                    try {
                        HttpResponse<InputStream> response = http.send(HttpRequest.newBuilder(stream).build(), HttpResponse.BodyHandlers.ofInputStream());
                        try (BufferedReader lines = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
                            for (String line = lines.readLine(); line != null && streaming.get(); line = lines.readLine()) {
                                if (line.startsWith("data: ")) {
                                    views.incrementAndGet();
                                }
                            }
                        }
                    } catch (IOException e) {
                        // Reconnect, as a browser does.
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "monitor-page-" + i);
            page.setDaemon(true);
            page.start();
            pages.add(page);
        }
    }

    /** The pages stop reading and go away. */
    void stop() throws InterruptedException {
        streaming.set(false);
        for (Thread page : pages) {
            page.join(15_000);
        }
        pages.clear();
    }

    /** Views the pages received so far. */
    long views() {
        return views.get();
    }

    @Override
    public void close() {
        try {
            stop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            server.close();
        }
    }
}
