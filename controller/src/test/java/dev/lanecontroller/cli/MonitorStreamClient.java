package dev.lanecontroller.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/** Reads the lane monitor's stream as a page does (reconnecting when the lane ends a stream), keeping every raw line. */
final class MonitorStreamClient {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final String url;
    private final String authorization;
    final List<String> rawLines = new ArrayList<>();

    MonitorStreamClient(int port, String authorization) {
        this.url = "http://127.0.0.1:" + port + "/monitor/stream";
        this.authorization = authorization;
    }

    /** Reads views until one matches; returns it, or fails after the timeout with the last view seen. */
    JsonNode until(Predicate<JsonNode> wanted, long timeoutMs, String what) throws Exception {
        long deadline = System.currentTimeMillis() + timeoutMs;
        HttpClient http = HttpClient.newHttpClient();
        JsonNode last = null;
        while (System.currentTimeMillis() < deadline) {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url));
            if (authorization != null) {
                request.header("Authorization", authorization);
            }
            HttpResponse<InputStream> response = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
            if (response.statusCode() != 200) {
                throw new AssertionError("the stream answered " + response.statusCode());
            }
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
                for (String line = lines.readLine(); line != null && System.currentTimeMillis() < deadline; line = lines.readLine()) {
                    rawLines.add(line);
                    if (line.startsWith("data: ")) {
                        last = JSON.readTree(line.substring(6));
                        if (wanted.test(last)) {
                            return last;
                        }
                    }
                }
            }
        }
        throw new AssertionError("the stream did not show " + what + " within " + timeoutMs + " ms; the last view: " + last);
    }
}
