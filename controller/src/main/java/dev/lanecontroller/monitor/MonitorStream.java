package dev.lanecontroller.monitor;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.lanecontroller.http.HttpReplies;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The page's live updates, as server-sent events: the whole view as one {@code data:} line each
 * time it changes, a comment as a heartbeat otherwise. At most {@link #STREAMS_MAX} at once (the
 * next is told 503 and to retry). Each stream ends by itself after {@link #streamMs()} and the
 * browser reconnects at once: the process's HTTP server closes any response older than
 * {@code sun.net.httpserver.maxRspTime} (set so the camera webhook cannot be held by a slow
 * client), and that same limit frees a stream whose client stopped reading.
 */
public final class MonitorStream implements HttpHandler {
    public static final int STREAMS_MAX = 32;
    static final long HEARTBEAT_MS = 2_000;
    static final long STREAM_MS_MAX = 60_000;
    private static final String RETRY_MS = "500";

    private final MonitorFeed feed;
    private final Semaphore slots = new Semaphore(STREAMS_MAX);
    private final AtomicLong refused = new AtomicLong();

    public MonitorStream(MonitorFeed feed) {
        this.feed = feed;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        if (!slots.tryAcquire()) {
            refused.incrementAndGet();
            exchange.getResponseHeaders().set("Retry-After", "5");
            HttpReplies.sendText(exchange, 503, "at most " + STREAMS_MAX + " monitors at once\n");
            return;
        }
        try (exchange) {
            exchange.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
            exchange.getResponseHeaders().set("Cache-Control", "no-store");
            exchange.sendResponseHeaders(200, 0);
            OutputStream out = exchange.getResponseBody();
            out.write(("retry: " + RETRY_MS + "\n\n").getBytes(StandardCharsets.UTF_8));
            long endAt = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(streamMs());
            long seen = -1;
            while (System.nanoTime() < endAt) {
                MonitorFeed.Versioned view = feed.awaitNewer(seen, HEARTBEAT_MS);
                if (view.version() > seen) {
                    seen = view.version();
                    out.write("data: ".getBytes(StandardCharsets.UTF_8));
                    out.write(view.json()); // JSON as Jackson writes it: one line
                    out.write("\n\n".getBytes(StandardCharsets.UTF_8));
                } else {
                    out.write(":\n\n".getBytes(StandardCharsets.UTF_8));
                }
                out.flush();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException gone) {
            // The page went away (or stopped reading and the server cut it): its slot is free again.
        } finally {
            slots.release();
        }
    }

    /**
     * How long one stream lasts: under the server's response limit when there is one (2 s short of
     * it), else a minute.
     */
    static long streamMs() {
        long limitS = Long.getLong("sun.net.httpserver.maxRspTime", -1);
        return limitS > 0 ? Math.max(1_000, limitS * 1000 - 2_000) : STREAM_MS_MAX;
    }

    public int open() {
        return STREAMS_MAX - slots.availablePermits();
    }

    public long refused() {
        return refused.get();
    }
}
