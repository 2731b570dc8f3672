package dev.lanecontroller.hal.serial;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A serial reader played on a pseudo-terminal (pty_relay.py): the device path a driver opens, bytes
 * written to it as a reader would send them, and an unplug (the terminal goes, as a USB reader's
 * device does). Needs /usr/bin/python3; without it the test is skipped, saying why.
 */
public final class PtyReader implements AutoCloseable {
    private final Process relay;
    private final String device;

    private PtyReader(Process relay, String device) {
        this.relay = relay;
        this.device = device;
    }

    /** Starts a relay; {@code dir} takes a copy of its script. */
    public static PtyReader start(Path dir) throws IOException {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/python3")), "needs /usr/bin/python3 for the pseudo-terminal");
        Path script = dir.resolve("pty_relay.py");
        if (!Files.exists(script)) {
            try (var in = PtyReader.class.getResourceAsStream("/pty_relay.py")) {
                Files.copy(in, script);
            }
        }
        Process python = new ProcessBuilder("/usr/bin/python3", script.toString()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String device = new BufferedReader(new InputStreamReader(python.getInputStream(), StandardCharsets.US_ASCII)).readLine();
        if (device == null) {
            python.destroyForcibly();
            throw new IOException("the pseudo-terminal relay did not start");
        }
        return new PtyReader(python, device);
    }

    /** The serial end's path, e.g. /dev/pts/3. */
    public String device() {
        return device;
    }

    /** Sends these bytes (text as US-ASCII) to whoever has the device open. */
    public void send(String text) throws IOException {
        OutputStream out = relay.getOutputStream();
        out.write((HexFormat.of().formatHex(text.getBytes(StandardCharsets.US_ASCII)) + "\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    /** The reader is unplugged: the relay ends and its terminal goes. */
    public void unplug() throws InterruptedException {
        try {
            relay.getOutputStream().close();
        } catch (IOException e) {
            // Gone already.
        }
        relay.waitFor(5, TimeUnit.SECONDS);
        relay.destroyForcibly();
    }

    @Override
    public void close() {
        relay.destroyForcibly();
    }
}
