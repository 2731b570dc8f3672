package dev.lanecontroller.tools.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Bytes this process caused to be written to the storage device ({@code write_bytes} of
 * /proc/self/io), in all and per thread name (/proc/self/task/TID/io and comm: the JVM names its
 * native threads after the Java ones, cut to 15 characters). The kernel counts a page when it is
 * dirtied; the file system's own journal (jbd2) is written by the kernel and counted nowhere here.
 */
record ThreadIo(long processBytes, Map<String, Long> bytesByThread) {
    static ThreadIo now() {
        Map<String, Long> byThread = new HashMap<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
            tasks.forEach(task -> {
                try {
                    String name = Files.readString(task.resolve("comm")).strip();
                    byThread.merge(name, writeBytes(task.resolve("io")), Long::sum);
                } catch (IOException gone) {
                    // The thread ended between the listing and the read.
                }
            });
        } catch (IOException e) {
            throw new IllegalStateException("cannot read /proc/self/task (Linux only): " + e.getMessage(), e);
        }
        try {
            return new ThreadIo(writeBytes(Path.of("/proc/self/io")), byThread);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read /proc/self/io (Linux only): " + e.getMessage(), e);
        }
    }

    private static long writeBytes(Path io) throws IOException {
        for (String line : Files.readAllLines(io)) {
            if (line.startsWith("write_bytes:")) {
                return Long.parseLong(line.substring("write_bytes:".length()).strip());
            }
        }
        throw new IOException(io + " has no write_bytes");
    }

    /** Every thread name that wrote since {@code before}, with its bytes, the most first. */
    java.util.List<Map.Entry<String, Long>> writersSince(ThreadIo before) {
        return bytesByThread.keySet().stream().map(name -> Map.entry(name, since(before, name))).filter(entry -> entry.getValue() > 0)
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed()).toList();
    }

    /** Bytes written since {@code before} by the threads of this name (0 for a thread that was not there). */
    long since(ThreadIo before, String thread) {
        return bytesByThread.getOrDefault(thread, 0L) - before.bytesByThread.getOrDefault(thread, 0L);
    }
}
