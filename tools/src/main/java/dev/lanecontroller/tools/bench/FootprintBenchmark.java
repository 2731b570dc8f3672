package dev.lanecontroller.tools.bench;

import dev.lanecontroller.core.ListInfo;
import dev.lanecontroller.store.ClearanceStore;
import dev.lanecontroller.store.Database;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * What the daemon costs the device at rest (issue 19, item 4): the real jar started as the unit
 * starts it, on a lane with a list of {@code cards} in force and no traffic; the time until its
 * HTTP endpoint answers, its resident memory (heap and the JVM's own, apart from the list's pages
 * mapped from the file), its threads and its CPU over a quiet minute; with and without an AppCDS
 * archive made by a first run.
 */
public final class FootprintBenchmark {
    private static final long START_TIMEOUT_MS = 120_000;
    private static final long CLOCK_TICKS_PER_S = 100; // USER_HZ on Linux

    private FootprintBenchmark() {}

    /**
     * {@code unitFile}: the systemd unit whose ExecStart gives the JVM options (its class archive
     * apart: this benchmark makes its own); {@code heap}: another -Xmx, or null for the unit's.
     */
    public static void run(Path dir, Path daemonJar, Path unitFile, int cards, String heap, List<String> jvmOptions, int idleSeconds,
                           PrintStream out) throws Exception {
        if (!Files.isRegularFile(daemonJar)) {
            throw new IllegalArgumentException("no daemon jar at " + daemonJar + " (build it with mvn package, or name it with --footprint)");
        }
        List<String> unitOptions = unitJvmOptions(unitFile, heap);
        Path lane = dir.resolve("footprint");
        Files.createDirectories(lane);
        Path db = lane.resolve("lane.db");
        if (!Files.exists(db)) {
            Path listFile = dir.resolve("footprint-list.csv");
            Benchmarks.writeList(listFile, cards);
            long now = System.currentTimeMillis();
            try (ClearanceStore store = new ClearanceStore(Database.open(db))) {
                store.importFile(listFile, "NEXUS", 1, now, ListInfo.NO_EXPIRY, now, false);
            }
            Files.delete(listFile);
            out.printf(Locale.ROOT, "made %s with a %d-card list in force%n", db, cards);
        }
        Path archive = lane.resolve("lane-controller.jsa");
        Files.deleteIfExists(archive);
        List<String> options = new ArrayList<>(unitOptions);
        options.addAll(jvmOptions);
        out.printf(Locale.ROOT, "daemon: %s, %s%n", daemonJar, String.join(" ", options));
        measure(lane, daemonJar, options, 0, out, "warming the file cache");
        Sample plain = measure(lane, daemonJar, options, idleSeconds, out, "without a CDS archive");
        // The archive of the classes a run loaded, written when that run ends (JDK 13+ dynamic archive).
        measure(lane, daemonJar, with(options, "-XX:ArchiveClassesAtExit=" + archive), 0, out, "making the archive");
        if (!Files.isRegularFile(archive)) {
            out.println("no CDS archive was written: the figures with one are missing");
            return;
        }
        out.printf(Locale.ROOT, "archive: %.1f MB%n", Files.size(archive) / 1e6);
        Sample shared = measure(lane, daemonJar, with(options, "-XX:SharedArchiveFile=" + archive), idleSeconds, out,
                "with the CDS archive");
        out.printf(Locale.ROOT, "start to /health: %.2f s without CDS, %.2f s with (%.0f%%)%n", plain.startS, shared.startS,
                100 * shared.startS / plain.startS);
    }

    private record Sample(double startS) {}

    /** The JVM options of the unit's ExecStart, between the java binary and -jar. */
    static List<String> unitJvmOptions(Path unitFile, String heap) throws IOException {
        String execStart = Files.readAllLines(unitFile).stream().filter(line -> line.startsWith("ExecStart=")).findFirst()
                .orElseThrow(() -> new IllegalArgumentException(unitFile + " has no ExecStart= line"));
        String[] words = execStart.substring("ExecStart=".length()).trim().split("\\s+");
        List<String> options = new ArrayList<>();
        for (int i = 1; i < words.length && !words[i].equals("-jar"); i++) {
            if (words[i].startsWith("-XX:SharedArchiveFile=")) {
                continue; // the device's archive: this benchmark measures without one and with its own
            }
            options.add(heap != null && words[i].startsWith("-Xmx") ? "-Xmx" + heap : words[i]);
        }
        return options;
    }

    private static List<String> with(List<String> options, String more) {
        List<String> all = new ArrayList<>(options);
        all.add(more);
        return all;
    }

    private static Sample measure(Path lane, Path daemonJar, List<String> options, int idleSeconds, PrintStream out, String label)
            throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        Path config = Files.writeString(lane.resolve("footprint.yaml"), String.format(Locale.ROOT, """
                lane: {id: footprint-01}
                storage: {path: lane.db}
                health: {enabled: true, host: 127.0.0.1, port: %d}
                hardware:
                  kind: simulated
                  simulated: {traffic: false}
                """, port));
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(options);
        command.addAll(List.of("-jar", daemonJar.toString(), "run", "--config", config.toString()));
        long started = System.nanoTime();
        Process daemon = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(lane.resolve("daemon.log").toFile()).start();
        try {
            double startS = awaitHealth(daemon, port, started);
            ProcStatus afterStart = ProcStatus.of(daemon.pid());
            out.printf(Locale.ROOT, "%s: /health after %.2f s; RSS %.1f MB (anonymous %.1f, files %.1f, of which the list's and the jar's "
                            + "pages), %d threads%n", label, startS, afterStart.rssKb / 1e3, afterStart.anonKb / 1e3, afterStart.fileKb / 1e3,
                    afterStart.threads);
            if (idleSeconds > 0) {
                Thread.sleep(10_000); // the start's own work (JIT, the first list poll) settles
                long ticksBefore = ProcStatus.cpuTicks(daemon.pid());
                long idleStarted = System.nanoTime();
                Thread.sleep(idleSeconds * 1_000L);
                double cpuS = (ProcStatus.cpuTicks(daemon.pid()) - ticksBefore) / (double) CLOCK_TICKS_PER_S;
                double wallS = (System.nanoTime() - idleStarted) / 1e9;
                ProcStatus idle = ProcStatus.of(daemon.pid());
                out.printf(Locale.ROOT, "%s: idle %d s: CPU %.2f%% of a core; RSS %.1f MB (anonymous %.1f), %d threads%n", label, idleSeconds,
                        100 * cpuS / wallS, idle.rssKb / 1e3, idle.anonKb / 1e3, idle.threads);
            }
            return new Sample(startS);
        } finally {
            daemon.destroy(); // SIGTERM: the clean stop, which also writes an archive being made
            if (!daemon.waitFor(30, TimeUnit.SECONDS)) {
                daemon.destroyForcibly();
            }
        }
    }

    private static double awaitHealth(Process daemon, int port, long startedNs) throws Exception {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health")).timeout(Duration.ofSeconds(2)).build();
        long deadline = startedNs + START_TIMEOUT_MS * 1_000_000;
        while (System.nanoTime() < deadline) {
            if (!daemon.isAlive()) {
                throw new IllegalStateException("the daemon ended with " + daemon.exitValue() + " before answering: see daemon.log");
            }
            try {
                client.send(request, HttpResponse.BodyHandlers.discarding()); // any answer: it is up
                return (System.nanoTime() - startedNs) / 1e9;
            } catch (IOException notYet) {
                Thread.sleep(20);
            }
        }
        throw new IllegalStateException("/health did not answer within " + START_TIMEOUT_MS + " ms");
    }

    /** A process's memory and threads from /proc/PID/status, and its CPU from /proc/PID/stat. */
    private record ProcStatus(long rssKb, long anonKb, long fileKb, int threads) {
        static ProcStatus of(long pid) throws IOException {
            long rss = 0;
            long anon = 0;
            long file = 0;
            int threads = 0;
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                String[] field = line.split("\\s+");
                switch (field[0]) {
                    case "VmRSS:" -> rss = Long.parseLong(field[1]);
                    case "RssAnon:" -> anon = Long.parseLong(field[1]);
                    case "RssFile:" -> file = Long.parseLong(field[1]);
                    case "Threads:" -> threads = Integer.parseInt(field[1]);
                    default -> {
                        // not needed
                    }
                }
            }
            return new ProcStatus(rss, anon, file, threads);
        }

        /** utime + stime, in clock ticks. */
        static long cpuTicks(long pid) throws IOException {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            String[] after = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(after[11]) + Long.parseLong(after[12]); // fields 14 and 15 of stat(5)
        }
    }
}
