package dev.lanecontroller.tools.bench;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.FileOutputStream;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The wear benchmark's meter: a thread that writes and syncs a megabyte is seen writing it, under its own name. */
class ThreadIoTest {
    @TempDir
    Path dir;

    @Test
    void aThreadsSyncedWritesAreCountedUnderItsName() throws Exception {
        ThreadIo before = ThreadIo.now();
        java.util.concurrent.atomic.AtomicReference<ThreadIo> during = new java.util.concurrent.atomic.AtomicReference<>();
        Thread writer = new Thread(() -> {
            try (FileOutputStream out = new FileOutputStream(dir.resolve("megabyte").toFile())) {
                out.write(new byte[1 << 20]);
                out.getFD().sync();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            during.set(ThreadIo.now()); // while the thread still runs: its own count goes when it ends
        }, "wear-writer");
        writer.start();
        writer.join();
        assertTrue(during.get().since(before, "wear-writer") >= 1 << 20 || during.get().processBytes() == 0,
                "the writer's bytes: " + during.get().since(before, "wear-writer"));
        ThreadIo after = ThreadIo.now();
        // A file system without a block device (tmpfs) counts nothing: then there is nothing to check.
        assertTrue(after.processBytes() == 0 || after.processBytes() - before.processBytes() >= 1 << 20,
                "the process's bytes: " + (after.processBytes() - before.processBytes()));
    }
}
