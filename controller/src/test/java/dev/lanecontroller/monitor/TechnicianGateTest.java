package dev.lanecontroller.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** HTTP Basic over the technician credential: asked for, checked, remembered, and guessing limited. */
class TechnicianGateTest {
    private static final String PASSWORD = "cabinet-key-2026";
    private static final TechnicianCredential CREDENTIAL = TechnicianCredential.parse(
            TechnicianCredential.encode(PASSWORD.toCharArray(), "salt-for-tests".getBytes(StandardCharsets.UTF_8), 100_000));

    private final AtomicLong nowMs = new AtomicLong(1_000_000);
    private final TechnicianGate gate = new TechnicianGate(CREDENTIAL, nowMs::get);
    private HttpServer server;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void serve() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 8);
        server.createContext("/", exchange -> {
            byte[] body = "the monitor".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        }).setAuthenticator(gate);
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private HttpResponse<String> get(String authorization) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/"));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void withoutTheCredentialThePageIsRefusedAndWithItItOpens() throws Exception {
        HttpResponse<String> asked = get(null);
        assertEquals(401, asked.statusCode());
        assertTrue(asked.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Basic realm=\"lane monitor\""));
        assertEquals(401, get(basic("technician", "wrong-password-1")).statusCode());
        assertEquals(401, get(basic("admin", PASSWORD)).statusCode(), "the user is technician");
        assertEquals(401, get("Basic !!!not-base64").statusCode());
        assertEquals(200, get(basic("technician", PASSWORD)).statusCode());
        assertEquals("the monitor", get(basic("technician", PASSWORD)).body());
        assertEquals(3, gate.failures(), "each wrong login counted (the unreadable header too)");
    }

    @Test
    void afterFiveWrongGuessesAnAddressMayGuessOncePerTwelveSecondsAndIsRefusedUncheckedMeanwhile() throws Exception {
        for (int i = 0; i < TechnicianGate.GUESSES_BURST; i++) {
            assertEquals(401, get(basic("technician", "guess-number-" + i)).statusCode());
        }
        HttpResponse<String> limited = get(basic("technician", PASSWORD));
        assertEquals(429, limited.statusCode(), "even the right password waits: nothing is checked while limited");
        assertEquals("12", limited.headers().firstValue("Retry-After").orElse(""));
        assertEquals(1, gate.refusedWhileLimited());
        nowMs.addAndGet(TechnicianGate.GUESS_EVERY_MS);
        assertEquals(401, get(basic("technician", "guess-number-5")).statusCode(), "one more guess after 12 s");
        assertEquals(429, get(basic("technician", "guess-number-6")).statusCode(), "and not two");
        nowMs.addAndGet(TechnicianGate.GUESS_EVERY_MS);
        assertEquals(200, get(basic("technician", PASSWORD)).statusCode(), "the technician gets in at the next turn");
        assertEquals(6, gate.failures());
    }

    @Test
    void anAcceptedLoginIsRememberedSoTheStreamsReconnectsCostNoPbkdf2() throws Exception {
        assertEquals(200, get(basic("technician", PASSWORD)).statusCode());
        long started = System.nanoTime();
        for (int i = 0; i < 50; i++) {
            assertEquals(200, get(basic("technician", PASSWORD)).statusCode());
        }
        // 50 PBKDF2 runs of 100,000 iterations would take seconds; remembered, they take a few ms each.
        assertTrue(System.nanoTime() - started < 5_000_000_000L, "50 requests after the login took "
                + (System.nanoTime() - started) / 1_000_000 + " ms");
        nowMs.addAndGet(TechnicianGate.REMEMBER_MS);
        assertEquals(200, get(basic("technician", PASSWORD)).statusCode(), "checked again after 12 h, and still right");
    }
}
