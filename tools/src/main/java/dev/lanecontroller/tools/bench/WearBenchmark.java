package dev.lanecontroller.tools.bench;

import dev.lanecontroller.config.ConfigLoader;
import dev.lanecontroller.daemon.Host;
import dev.lanecontroller.daemon.LaneDaemon;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

/**
 * What the lane writes to its SD card (issue 19): the daemon as it runs on a Pi (the same assembly,
 * a simulated lane with its demo traffic at a given rate, in real time: the WAL is checkpointed by
 * the clock), and the bytes the process caused to be written to the device, per journaled event
 * and per vehicle, apart for the lane thread's commits, the checkpoint thread, the start's list
 * import, and the lines it prints for journald.
 */
public final class WearBenchmark {
    private static final Pattern EVENT_LINE = Pattern.compile("^\\S+ {2}#\\d+ ");
    private static final double GB = 1e9;

    private WearBenchmark() {}

    public static void run(Path dir, int vehicles, double vehiclesPerHour, int listCards, PrintStream out) throws Exception {
        Files.createDirectories(dir);
        for (String suffix : new String[] {"", "-wal", "-shm"}) {
            Files.deleteIfExists(dir.resolve("wear.db" + suffix));
        }
        Path config = Files.writeString(dir.resolve("wear.yaml"), String.format(Locale.ROOT, """
                lane: {id: wear-01}
                storage: {path: wear.db}
                health: {enabled: false}
                hardware:
                  kind: simulated
                  simulated: {traffic: true, vehiclesPerHour: %.1f, seed: 19, demoListCards: %d}
                """, vehiclesPerHour, listCards));
        ConsoleCount console = new ConsoleCount();
        Host host = new Host(null, new PrintStream(console, true, StandardCharsets.UTF_8), () -> true, Map.of(), "wear-benchmark",
                System::currentTimeMillis, new SecureRandom()::nextDouble);
        out.printf(Locale.ROOT, "wear: %d vehicles at %.0f vehicles/h in real time (about %.0f min), a %d-card demo list%n", vehicles,
                vehiclesPerHour, vehicles / vehiclesPerHour * 60, listCards);
        ThreadIo beforeStart = ThreadIo.now();
        ThreadIo trafficStart;
        ThreadIo trafficEnd;
        long eventsAtStart;
        long consoleAtStart;
        long started = System.nanoTime();
        try (LaneDaemon lane = LaneDaemon.start(ConfigLoader.load(config), host)) {
            trafficStart = ThreadIo.now();
            eventsAtStart = console.events.get();
            consoleAtStart = console.bytes.get();
            long decisionsAtStart = console.decisions.get();
            while (console.decisions.get() < decisionsAtStart + vehicles) {
                if (!lane.laneAlive()) {
                    throw new IllegalStateException("the lane thread stopped");
                }
                Thread.sleep(200);
            }
            trafficEnd = ThreadIo.now(); // before the stop: the threads' own counts go when they end
        }
        long events = console.events.get() - eventsAtStart;
        long consoleBytes = console.bytes.get() - consoleAtStart;
        long total = trafficEnd.processBytes() - trafficStart.processBytes();
        long commits = trafficEnd.since(trafficStart, "lane");
        long checkpoints = trafficEnd.since(trafficStart, "wal-checkpoint");
        long listImport = trafficStart.processBytes() - beforeStart.processBytes();
        out.printf(Locale.ROOT, "took %.0f s; %d events journaled for %d vehicles (%.1f per vehicle)%n", (System.nanoTime() - started) / 1e9,
                events, vehicles, events / (double) vehicles);
        out.printf(Locale.ROOT, "start with the list import (%d cards): %.1f MB written%n", listCards, listImport / 1e6);
        out.printf(Locale.ROOT, "written to the device per journaled event: %.1f KB in all — lane thread's commits %.1f KB, WAL checkpoints "
                        + "%.1f KB, other threads %.1f KB%n", total / 1e3 / events, commits / 1e3 / events, checkpoints / 1e3 / events,
                (total - commits - checkpoints) / 1e3 / events);
        StringBuilder others = new StringBuilder();
        long named = 0;
        for (Map.Entry<String, Long> writer : trafficEnd.writersSince(trafficStart)) {
            named += writer.getValue();
            others.append(others.length() == 0 ? "" : ", ").append(writer.getKey()).append(String.format(Locale.ROOT, " %.1f KB", writer.getValue() / 1e3 / events));
        }
        out.printf(Locale.ROOT, "per journaled event by thread: %s; threads that ended meanwhile %.1f KB%n", others,
                (total - named) / 1e3 / events);
        out.printf(Locale.ROOT, "printed for journald per journaled event: %.0f bytes (%d lines in all), which journald writes again%n",
                consoleBytes / (double) events, console.lines.get());
        double perVehicle = (total + consoleBytes) / (double) vehicles;
        double perDayAt720 = perVehicle * 720 * 24;
        out.printf(Locale.ROOT, "per vehicle: %.1f KB; at 720 vehicles/h: %.2f GB a day, %.0f GB a year (before the card's own amplification)%n",
                perVehicle / 1e3, perDayAt720 / GB, perDayAt720 * 365 / GB);
        out.printf(Locale.ROOT, "database files after: %.1f MB (%s)%n", (size(dir.resolve("wear.db")) + size(dir.resolve("wear.db-wal"))) / 1e6,
                "lane.db and its WAL");
    }

    private static long size(Path file) throws IOException {
        return Files.exists(file) ? Files.size(file) : 0;
    }

    /** The daemon's console: discarded, but its bytes, lines, events and decisions counted. */
    private static final class ConsoleCount extends OutputStream {
        final AtomicLong bytes = new AtomicLong();
        final AtomicLong lines = new AtomicLong();
        final AtomicLong events = new AtomicLong();
        final AtomicLong decisions = new AtomicLong();
        private final StringBuilder line = new StringBuilder();

        @Override
        public synchronized void write(int b) {
            bytes.incrementAndGet();
            if (b == '\n') {
                lines.incrementAndGet();
                String text = line.toString();
                if (EVENT_LINE.matcher(text).find()) {
                    events.incrementAndGet();
                    if (text.contains(" DECISION ")) {
                        decisions.incrementAndGet();
                    }
                }
                line.setLength(0);
            } else if (line.length() < 4096) {
                line.append((char) b);
            }
        }
    }
}
