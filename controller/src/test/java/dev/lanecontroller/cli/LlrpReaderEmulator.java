package dev.lanecontroller.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * An LLRP reader written apart from the lane's driver (peers/llrp_reader_emulator.py, from LLRP 1.0.1
 * alone, in another language): it checks every message the lane sends as strictly as a reader would
 * and refuses what is malformed. Driven by commands on its stdin; what it did comes back as lines on
 * its stdout, which a test waits for.
 */
final class LlrpReaderEmulator implements AutoCloseable {
    private final Process process;
    private final OutputStream commands;
    private final List<String> lines = new ArrayList<>();
    private final int port;

    LlrpReaderEmulator(Path dir) throws IOException {
        Path script = dir.resolve("llrp_reader_emulator.py");
        try (var in = LlrpReaderEmulator.class.getResourceAsStream("/peers/llrp_reader_emulator.py")) {
            Files.copy(in, script);
        }
        process = new ProcessBuilder("/usr/bin/python3", script.toString(), "--port", "0", "--seed", "20261130")
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        commands = process.getOutputStream();
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String first = out.readLine();
        if (first == null || !first.startsWith("LISTENING ")) {
            process.destroyForcibly();
            throw new IOException("the emulator did not start: " + first);
        }
        port = Integer.parseInt(first.substring("LISTENING ".length()).strip());
        Thread reader = new Thread(() -> {
            try {
                for (String line = out.readLine(); line != null; line = out.readLine()) {
                    synchronized (lines) {
                        lines.add(line);
                        lines.notifyAll();
                    }
                }
            } catch (IOException e) {
                // The emulator ended.
            }
        }, "llrp-emulator-out");
        reader.setDaemon(true);
        reader.start();
    }

    int port() {
        return port;
    }

    void command(String line) throws IOException {
        commands.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        commands.flush();
    }

    /** Every line the emulator printed so far. */
    List<String> lines() {
        synchronized (lines) {
            return List.copyOf(lines);
        }
    }

    /** Waits for a line, printed from {@code fromIndex} on, that matches; returns its index. */
    int await(Predicate<String> match, int fromIndex, long timeoutMs, String what) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        synchronized (lines) {
            while (true) {
                for (int i = fromIndex; i < lines.size(); i++) {
                    if (match.test(lines.get(i))) {
                        return i;
                    }
                }
                long left = deadline - System.currentTimeMillis();
                assertTrue(left > 0, "the emulator did not print " + what + " within " + timeoutMs + " ms; it printed " + lines);
                lines.wait(left);
            }
        }
    }

    int await(String prefix, int fromIndex, long timeoutMs) throws InterruptedException {
        return await(line -> line.startsWith(prefix), fromIndex, timeoutMs, "'" + prefix + "…'");
    }

    /** What the emulator refused of the lane's messages (REFUSED lines): none, from a lane that speaks LLRP right. */
    List<String> refusals() {
        return lines().stream().filter(line -> line.startsWith("REFUSED")).toList();
    }

    @Override
    public void close() throws Exception {
        try {
            command("quit");
        } catch (IOException e) {
            // Gone already.
        }
        if (!process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
