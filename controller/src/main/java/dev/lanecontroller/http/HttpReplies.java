package dev.lanecontroller.http;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/** Whole replies on the JDK's HTTP server, for the daemon's endpoints (health, metrics, the lane monitor). */
public final class HttpReplies {
    private HttpReplies() {}

    /** Sends {@code body} with its length and type, and ends the response. */
    public static void send(HttpExchange exchange, int status, String type, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    /** Plain text, UTF-8. */
    public static void sendText(HttpExchange exchange, int status, String text) throws IOException {
        send(exchange, status, "text/plain; charset=utf-8", text.getBytes(StandardCharsets.UTF_8));
    }

    /** True for a GET; anything else gets 405 with {@code why} and an Allow header. */
    public static boolean getOnly(HttpExchange exchange, String why) throws IOException {
        if (exchange.getRequestMethod().equals("GET")) {
            return true;
        }
        exchange.getResponseHeaders().set("Allow", "GET");
        sendText(exchange, 405, why + "\n");
        return false;
    }
}
