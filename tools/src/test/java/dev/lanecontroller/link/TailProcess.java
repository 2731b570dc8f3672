package dev.lanecontroller.link;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lanecontroller.tools.ToolsMain;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code lane-tools central tail --json} in a JVM of its own (so it can be killed for real), with
 * the events it printed: what one of central's consumers received and stored.
 */
final class TailProcess implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Process process;
    private final String name;
    /** journalId/seq of every event printed, each once. */
    final Set<String> events = ConcurrentHashMap.newKeySet();
    private final AtomicInteger printed = new AtomicInteger();
    private final List<String> stderr = java.util.Collections.synchronizedList(new ArrayList<>());
    private volatile boolean following;

    TailProcess(String name, String... args) throws IOException {
        this.name = name;
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), ToolsMain.class.getName(), "central", "tail", "--json"));
        command.addAll(List.of(args));
        process = new ProcessBuilder(command).start();
        daemon(() -> {
            try (BufferedReader lines = reader(process.getInputStream())) {
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    if (line.startsWith("{")) {
                        JsonNode event = JSON.readTree(line);
                        events.add(event.get("journalId").asText() + "/" + event.get("seq").asLong());
                        printed.incrementAndGet();
                    }
                }
            }
        });
        daemon(() -> {
            try (BufferedReader lines = reader(process.getErrorStream())) {
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    stderr.add(line);
                    following |= line.startsWith("following ");
                }
            }
        });
    }

    /** Waits until the tail says it is subscribed. */
    boolean awaitFollowing(long timeoutMs) {
        return EventSyncTest.waitFor(() -> following, timeoutMs);
    }

    int printed() {
        return printed.get();
    }

    /** SIGKILL: no DISCONNECT, whatever the broker had sent it and it had not acknowledged stays with its session. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    String describe() {
        return name + " (stderr: " + String.join(" | ", stderr) + ")";
    }

    @Override
    public void close() throws InterruptedException {
        kill();
    }

    private static BufferedReader reader(java.io.InputStream stream) {
        return new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8));
    }

    private interface Reading {
        void run() throws IOException;
    }

    private static void daemon(Reading reading) {
        Thread thread = new Thread(() -> {
            try {
                reading.run();
            } catch (IOException e) {
                // The process was killed: what it printed until then is kept.
            }
        }, "tail-output");
        thread.setDaemon(true);
        thread.start();
    }
}
