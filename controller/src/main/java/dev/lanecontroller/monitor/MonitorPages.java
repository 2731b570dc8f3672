package dev.lanecontroller.monitor;

import com.sun.net.httpserver.Authenticator;
import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.lanecontroller.http.HttpReplies;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * The lane monitor on the daemon's HTTP server: the page ({@code /}), its script and style, and
 * its stream ({@code /monitor/stream}), all behind the technician gate when there is one. Plain
 * files from the jar; nothing the page loads comes from anywhere else (the lane has no internet),
 * and the Content-Security-Policy says so to the browser.
 */
public final class MonitorPages implements AutoCloseable {
    private static final Map<String, String> FILES = Map.of(
            "/", "index.html",
            "/monitor.js", "monitor.js",
            "/monitor.css", "monitor.css",
            "/favicon.svg", "favicon.svg");
    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html; charset=utf-8",
            "js", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8",
            "svg", "image/svg+xml");
    private static final String POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; "
            + "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private final MonitorFeed feed;
    private final MonitorStream stream;
    private final Authenticator gate;
    private final Map<String, byte[]> bodies = new java.util.HashMap<>();

    /** {@code gate} null: no login (a loopback bind). */
    public MonitorPages(MonitorFeed feed, Authenticator gate) {
        this.feed = feed;
        this.stream = new MonitorStream(feed);
        this.gate = gate;
        FILES.forEach((path, file) -> bodies.put(path, resource(file)));
    }

    /** Adds the monitor's paths to {@code server}. */
    public void addTo(HttpServer server) {
        guard(server.createContext("/", this::file));
        guard(server.createContext("/monitor/stream", exchange -> {
            if (HttpReplies.getOnly(exchange, "GET only: the monitor has no controls") && hostAllowed(exchange)) {
                stream.handle(exchange);
            }
        }));
    }

    /** Puts {@code context} behind the technician's login, when there is one (off loopback). */
    public void guard(HttpContext context) {
        if (gate != null) {
            context.setAuthenticator(gate);
        }
    }

    /**
     * Only requests addressed to the lane by an IP address or as localhost: a web page the laptop's
     * browser has open elsewhere could otherwise point a name of its own at 127.0.0.1 (DNS
     * rebinding) and read the monitor through the technician's SSH tunnel, where there is no login.
     */
    static boolean hostAllowed(HttpExchange exchange) throws IOException {
        String host = exchange.getRequestHeaders().getFirst("Host");
        String name = host == null ? "" : host.startsWith("[") ? host.substring(0, Math.max(1, host.indexOf(']') + 1))
                : host.contains(":") ? host.substring(0, host.indexOf(':')) : host;
        if (name.equalsIgnoreCase("localhost") || IPV4.matcher(name).matches() || IPV6.matcher(name).matches()) {
            return true;
        }
        HttpReplies.sendText(exchange, 403, "the lane monitor answers to its IP address or localhost, not to "
                + (name.isEmpty() ? "a request without Host" : "'" + name.replaceAll("[^A-Za-z0-9.:\\[\\]-]", "?") + "'") + "\n");
        return false;
    }

    private static final java.util.regex.Pattern IPV4 = java.util.regex.Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final java.util.regex.Pattern IPV6 = java.util.regex.Pattern.compile("\\[[0-9A-Fa-f:.]+\\]");

    private void file(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!HttpReplies.getOnly(exchange, "GET only: the monitor has no controls") || !hostAllowed(exchange)) {
                return;
            }
            String path = exchange.getRequestURI().getPath();
            byte[] body = bodies.get(path);
            if (body == null) {
                HttpReplies.sendText(exchange, 404, "no " + path + " here: the lane monitor is at /\n");
                return;
            }
            String file = FILES.get(path);
            exchange.getResponseHeaders().set("Content-Security-Policy", POLICY);
            exchange.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
            exchange.getResponseHeaders().set("Referrer-Policy", "no-referrer");
            exchange.getResponseHeaders().set("Cache-Control", "no-cache");
            HttpReplies.send(exchange, 200, TYPES.get(file.substring(file.lastIndexOf('.') + 1)), body);
        }
    }

    private static byte[] resource(String file) {
        try (InputStream in = MonitorPages.class.getResourceAsStream("/monitor/" + file)) {
            if (in == null) {
                throw new IllegalStateException("monitor/" + file + " is missing from the jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public MonitorStream stream() {
        return stream;
    }

    @Override
    public void close() {
        feed.close();
    }
}
