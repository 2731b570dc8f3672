package dev.lanecontroller.hal.camera;

import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import javax.net.ssl.SSLContext;
import dev.lanecontroller.hal.Listeners;
import dev.lanecontroller.hal.PlateReader;
import dev.lanecontroller.hal.PlateReport;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * A plate camera that posts its reads (a webhook), as a {@link PlateReader}: POST JSON to the
 * configured path, with the shared secret in the configured header. The plate is found by a
 * {@link PlateMapping}. Every refusal has its status and a one-line reason: 401 without the secret,
 * 405 not a POST, 413 over the size limit, 400 not JSON, 422 JSON without a usable plate.
 */
public final class PlateWebhook implements PlateReader, AutoCloseable {
    private static final System.Logger LOG = System.getLogger(PlateWebhook.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();
    /**
     * Strings as long as a body may be: a post can carry the plate's image in base64 beside the plate
     * (Axis and others do); the body limit bounds it, the image is never kept.
     */
    private static final int BODY_STRING_CHARS_MAX = 16 * 1024 * 1024;

    static {
        JSON.getFactory().setStreamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64).maxStringLength(BODY_STRING_CHARS_MAX).build());
    }

    /**
     * @param secretHeader the request header that carries the secret (e.g. Authorization)
     * @param secret its exact value (e.g. "Bearer 9f2c..."); compared in constant time
     * @param bodyBytesMax posts larger than this are refused unread
     */
    public record Settings(String host, int port, String path, String secretHeader, String secret, int bodyBytesMax, PlateMapping mapping) {
        public static final int BODY_BYTES_MAX = 1 << 20;

        public Settings {
            if (path == null || !path.startsWith("/")) {
                throw new IllegalArgumentException("the webhook path starts with /, got " + path);
            }
            if (secretHeader == null || secretHeader.isBlank() || secret == null || secret.length() < 16) {
                throw new IllegalArgumentException("the camera webhook needs a header name and a secret of at least 16 characters");
            }
            if (bodyBytesMax < 256 || bodyBytesMax > BODY_BYTES_MAX) {
                throw new IllegalArgumentException("webhook body limit 256.." + BODY_BYTES_MAX + " bytes, got " + bodyBytesMax);
            }
        }
    }

    /**
     * A camera posts a few kilobytes on the lane's own network: a request not read whole in this time
     * is a client stalled mid-body (or a slow-loris), and its connection is closed so its worker is
     * free again. The JDK's server takes the limit from a system property read once, when its first
     * server starts: the daemon sets it first thing ({@link #limitRequestTime()}), the tests' JVM by
     * its argLine.
     */
    public static final int REQUEST_SECONDS_MAX = 5;
    /**
     * Workers for posts. Up to one fewer stalled clients than this cannot delay the camera at all; more
     * hold every worker for at most {@link #REQUEST_SECONDS_MAX} each (the webhook belongs on the
     * camera's own network, docs/hardware.md).
     */
    static final int WORKER_THREADS = 8;

    private final Settings settings;
    private final byte[] secret;
    private final Listeners<PlateReport> listeners = new Listeners<>();
    private final HttpServer server;
    private final boolean https;
    private final ExecutorService executor;
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private volatile long lastPostNanos = -1;

    public PlateWebhook(Settings settings) throws IOException {
        this(settings, null);
    }

    /** {@code tls}: the lane's certificate, for HTTPS (the camera then posts to https://); null for HTTP. */
    public PlateWebhook(Settings settings, SSLContext tls) throws IOException {
        this.settings = settings;
        this.secret = settings.secret().getBytes(StandardCharsets.UTF_8);
        this.https = tls != null;
        if (tls == null) {
            this.server = HttpServer.create(new InetSocketAddress(settings.host(), settings.port()), 16);
        } else {
            HttpsServer secure = HttpsServer.create(new InetSocketAddress(settings.host(), settings.port()), 16);
            secure.setHttpsConfigurator(new HttpsConfigurator(tls));
            this.server = secure;
        }
        this.executor = Executors.newFixedThreadPool(WORKER_THREADS, runnable -> {
            Thread thread = new Thread(runnable, "camera-webhook");
            thread.setDaemon(true);
            return thread;
        });
        server.setExecutor(executor);
        server.createContext(settings.path(), this::handle);
    }

    /**
     * Sets the JDK HTTP server's limits on reading a request and sending a response, process-wide;
     * call before any HTTP server of the process starts (the health endpoint's too). A value set on
     * the command line is kept.
     */
    public static void limitRequestTime() {
        if (System.getProperty("sun.net.httpserver.maxReqTime") == null) {
            System.setProperty("sun.net.httpserver.maxReqTime", String.valueOf(REQUEST_SECONDS_MAX));
        }
        if (System.getProperty("sun.net.httpserver.maxRspTime") == null) {
            System.setProperty("sun.net.httpserver.maxRspTime", String.valueOf(REQUEST_SECONDS_MAX * 2));
        }
    }

    @Override
    public void onReport(Consumer<PlateReport> listener) {
        listeners.add(listener);
    }

    public void start() {
        server.start();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** Whether the camera posts over HTTPS. */
    public boolean https() {
        return https;
    }

    /** The path the camera posts to. */
    public String path() {
        return settings.path();
    }

    public long accepted() {
        return accepted.get();
    }

    public long refused() {
        return refused.get();
    }

    /** Monotonic nanos of the last post that carried the secret (any outcome), or -1. */
    public long lastPostNanos() {
        return lastPostNanos;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String given = exchange.getRequestHeaders().getFirst(settings.secretHeader());
            if (given == null || !MessageDigest.isEqual(secret, given.getBytes(StandardCharsets.UTF_8))) {
                refuse(exchange, 401, "missing or wrong " + settings.secretHeader());
                return;
            }
            lastPostNanos = System.nanoTime();
            if (!exchange.getRequestMethod().equals("POST")) {
                refuse(exchange, 405, "POST only");
                return;
            }
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readNBytes(settings.bodyBytesMax() + 1);
            }
            if (body.length > settings.bodyBytesMax()) {
                refuse(exchange, 413, "over " + settings.bodyBytesMax() + " bytes");
                return;
            }
            PlateReport report;
            try {
                JsonNode document = PostBody.document(body, exchange.getRequestHeaders().getFirst("Content-Type"), JSON);
                report = settings.mapping().read(document);
            } catch (PostBody.Unreadable e) {
                refuse(exchange, 400, e.getMessage());
                return;
            } catch (IllegalArgumentException e) {
                refuse(exchange, 422, e.getMessage());
                return;
            }
            accepted.incrementAndGet();
            listeners.notifyAll(report);
            reply(exchange, 200, "{\"accepted\":true}");
        }
    }

    private void refuse(HttpExchange exchange, int status, String reason) throws IOException {
        long count = refused.incrementAndGet();
        if (count % 100 == 1) {
            LOG.log(System.Logger.Level.WARNING, "camera post refused (" + count + " so far): " + status + " " + reason);
        }
        reply(exchange, status, JSON.createObjectNode().put("accepted", false).put("reason", reason).toString());
    }

    private static void reply(HttpExchange exchange, int status, String json) throws IOException {
        byte[] bytes = (json + "\n").getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
