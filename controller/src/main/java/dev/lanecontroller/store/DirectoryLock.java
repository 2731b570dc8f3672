package dev.lanecontroller.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An exclusive lock on a lane's data directory, held by one process at a time: one daemon per
 * lane database ({@link #DAEMON}), and one list import at a time, which the daemon also takes
 * while it removes part files at start ({@link #IMPORT}). The lock file holds the holder's pid, so
 * a refusal can name it. The kernel releases the lock when the holder dies, however it dies.
 */
public final class DirectoryLock implements AutoCloseable {
    /** Held by the daemon for as long as it runs. */
    public static final String DAEMON = "daemon.lock";
    /** Held by a list import while it builds, and by a starting daemon while it cleans up. */
    public static final String IMPORT = "import.lock";
    private static final int PID_BYTES_MAX = 64;

    /** The lock is held by another process; the message names it. */
    public static final class Held extends Exception {
        private static final long serialVersionUID = 1L;

        Held(String message) {
            super(message);
        }
    }

    private final FileChannel channel;
    private final FileLock lock;

    private DirectoryLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Takes the lock {@code name} in {@code dir}, or says who holds it.
     *
     * @param holder what the holder is, for the refusal ("a lane-controller daemon")
     */
    public static DirectoryLock take(Path dir, String name, String holder) throws Held, IOException {
        Files.createDirectories(dir);
        Path file = dir.resolve(name);
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (java.nio.channels.OverlappingFileLockException e) {
            channel.close(); // this very process holds it (a test running two lanes in one JVM)
            throw new Held(holder + " (pid " + ProcessHandle.current().pid() + ", this process) already uses " + dir + " (lock " + name + ")");
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        if (lock == null) {
            String pid = readPid(channel);
            channel.close();
            throw new Held(holder + " (pid " + pid + ") already uses " + dir + " (lock " + file.getFileName() + ")");
        }
        try {
            channel.truncate(0);
            channel.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
            channel.force(false);
        } catch (IOException | RuntimeException e) {
            channel.close(); // the lock goes with it
            throw e;
        }
        return new DirectoryLock(channel, lock);
    }

    private static String readPid(FileChannel channel) throws IOException {
        ByteBuffer bytes = ByteBuffer.allocate(PID_BYTES_MAX);
        channel.read(bytes, 0);
        String text = new String(bytes.array(), 0, bytes.position(), StandardCharsets.US_ASCII).trim();
        return text.matches("[0-9]{1,19}") ? text : "unknown";
    }

    @Override
    public void close() {
        try {
            lock.release();
            channel.close();
        } catch (IOException e) {
            // The lock goes with the channel, and with the process at the latest.
        }
    }
}
