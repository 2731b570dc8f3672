package dev.lanecontroller.link;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Debian's Mosquitto as a child process, on its own config, port and persistence file. */
final class MosquittoBroker implements TestBroker {
    private final Path dataDir;
    private final int port;
    private final String extraConfig;
    /** A whole listener configuration of the test's own (the broker example in provisioning/), or null. */
    private String ownConfig;
    private Process process;

    MosquittoBroker(Path dataDir, int port) {
        this(dataDir, port, "");
    }

    /** {@code extraConfig} adds listener options (the TLS test's certificates). */
    MosquittoBroker(Path dataDir, int port, String extraConfig) {
        this.dataDir = dataDir;
        this.port = port;
        this.extraConfig = extraConfig;
    }

    /** Mosquitto on {@code listenerConfig} as given (its listener on {@code port}); the test adds only where to log. */
    static MosquittoBroker withConfig(Path dataDir, int port, String listenerConfig) {
        MosquittoBroker broker = new MosquittoBroker(dataDir, port, listenerConfig);
        broker.ownConfig = listenerConfig;
        return broker;
    }

    @Override
    public String uri() {
        return (extraConfig.contains("certfile") ? "ssl" : "tcp") + "://127.0.0.1:" + port;
    }

    @Override
    public String name() {
        return "mosquitto";
    }

    @Override
    public synchronized void start() throws Exception {
        Files.createDirectories(dataDir);
        Path config = dataDir.resolve("mosquitto.conf");
        Files.writeString(config, ownConfig != null ? String.join("\n", ownConfig,
                "root".equals(System.getProperty("user.name")) ? "user root" : "",
                "log_dest file " + dataDir.toAbsolutePath().resolve("mosquitto.log"), "") : String.join("\n",
                "listener " + port + " 127.0.0.1",
                "allow_anonymous true",
                // As root, mosquitto drops to its own user, which cannot write the test's folder.
                "root".equals(System.getProperty("user.name")) ? "user root" : "",
                "persistence true",
                "persistence_location " + dataDir.toAbsolutePath() + "/",
                "max_queued_messages 0",
                "max_inflight_messages 0",
                "log_dest file " + dataDir.toAbsolutePath().resolve("mosquitto.log"),
                extraConfig,
                ""));
        process = new ProcessBuilder(binary(), "-c", config.toString())
                .redirectErrorStream(true).redirectOutput(dataDir.resolve("mosquitto.out").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("mosquitto exited with " + process.exitValue() + ": "
                        + Files.readString(dataDir.resolve("mosquitto.out")));
            }
            try (Socket probe = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException notYet) {
                Thread.sleep(20);
            }
        }
        throw new IllegalStateException("mosquitto did not open port " + port + " within 10 s");
    }

    static String binary() {
        for (String candidate : new String[] {"/usr/sbin/mosquitto", "/usr/bin/mosquitto", "/usr/local/sbin/mosquitto"}) {
            if (Files.isExecutable(Path.of(candidate))) {
                return candidate;
            }
        }
        throw new IllegalStateException("mosquitto is not installed (apt-get install -y mosquitto); .ci/run installs it");
    }

    static boolean installed() {
        try {
            binary();
            return true;
        } catch (IllegalStateException e) {
            return false;
        }
    }

    /** SIGKILL: no goodbye, nothing saved since the last autosave (a crashed or powered-off broker). */
    synchronized void kill() throws InterruptedException {
        if (process != null) {
            process.destroyForcibly().waitFor();
            process = null;
        }
    }

    /** SIGSTOP: the process freezes with its sockets open, so clients see a connection that silently swallows everything. */
    synchronized void freeze() throws Exception {
        signal("STOP");
    }

    /** SIGCONT after {@link #freeze()}. */
    synchronized void thaw() throws Exception {
        signal("CONT");
    }

    private void signal(String name) throws Exception {
        if (process == null || new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).start().waitFor() != 0) {
            throw new IllegalStateException("cannot send SIG" + name + " to mosquitto");
        }
    }

    @Override
    public synchronized void stop() throws Exception {
        if (process != null) {
            process.destroy(); // SIGTERM: mosquitto saves its sessions and queued messages, then exits
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
            process = null;
        }
    }

    @Override
    public void close() {
        try {
            stop();
        } catch (Exception e) {
            throw new IllegalStateException("cannot stop mosquitto: " + e.getMessage(), e);
        }
    }
}
