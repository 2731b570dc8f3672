package dev.lanecontroller.hal.serial;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanecontroller.hal.TagRead;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A serial reader through jSerialComm on a pseudo-terminal: frames, rejects, heartbeat, unplugging. */
class SerialTagReaderTest {
    @TempDir
    Path dir;

    @Test
    void readsFramesFromAPseudoTerminalAndGoesSilentWhenItIsUnplugged() throws Exception {
        BlockingQueue<TagRead> reads = new LinkedBlockingQueue<>();
        AtomicInteger heartbeats = new AtomicInteger();
        try (PtyReader pty = PtyReader.start(dir)) {
            FrameFormat stxEtx = new FrameFormat(new byte[] {0x02}, new byte[] {0x03}, 10, 10, FrameFormat.Checksum.XOR);
            try (SerialTagReader reader = new SerialTagReader(new SerialSettings(pty.device(), 9600, stxEtx, 1, 0, 50, 200))) {
                reader.onRead(reads::add);
                reader.onHeartbeat(heartbeats::incrementAndGet);
                reader.start();
                await(reader::online);
                // RDM6300 style: STX, 10 hex digits, XOR checksum as 2 hex digits, ETX. 0x01^0x02^0x03^0x04^0x05 = 0x01.
                pty.send("\u0002010203040501\u0003");
                assertEquals(new TagRead("0102030405", null, 1, 0), reads.poll(5, TimeUnit.SECONDS));
                pty.send("\u0002010203040502\u0003");                 // bad checksum
                pty.send("noise\u0002AABBCCDDEEFF\u0003");               // bad checksum after noise
                pty.send("\u0002AABBCCDDEEEE\u0003");                  // good: AA^BB^CC^DD^EE = 0xEE
                assertEquals(new TagRead("AABBCCDDEE", null, 1, 0), reads.poll(5, TimeUnit.SECONDS));
                assertEquals(2, reader.rejectedFrames());
                assertEquals(2, reader.reads());
                int beats = heartbeats.get();
                await(() -> heartbeats.get() > beats + 1); // the open port beats even with no card near

                pty.unplug(); // the terminal is gone, like an unplugged reader
                await(() -> !reader.online());
                int beatsAfter = heartbeats.get();
                long failedBefore = reader.failedOpens();
                // The reader goes on trying the port; two failed attempts later it has had time to beat, had it a device.
                await(() -> reader.failedOpens() >= failedBefore + 2);
                assertEquals(beatsAfter, heartbeats.get(), "no heartbeat without the device");
                assertFalse(reader.lastProblem().isEmpty());
            }
        }
    }

    @Test
    void aReaderUnpluggedAndPluggedBackAtTheSamePathIsReadAgain() throws Exception {
        // The stable name a udev rule gives a USB reader (/dev/serial/by-id/...), here a link under /dev/shm.
        Path stable = Path.of("/dev/shm", "lane-test-reader-" + ProcessHandle.current().pid() + "-" + System.nanoTime());
        BlockingQueue<TagRead> reads = new LinkedBlockingQueue<>();
        FrameFormat stxEtx = new FrameFormat(new byte[] {0x02}, new byte[] {0x03}, 10, 10, FrameFormat.Checksum.XOR);
        try (PtyReader first = PtyReader.start(dir)) {
            Files.createSymbolicLink(stable, Path.of(first.device()));
            try (SerialTagReader reader = new SerialTagReader(new SerialSettings(stable.toString(), 9600, stxEtx, 1, 0, 50, 200))) {
                reader.onRead(reads::add);
                reader.start();
                await(reader::online);
                first.send("\u0002010203040501\u0003");
                assertEquals(new TagRead("0102030405", null, 1, 0), reads.poll(5, TimeUnit.SECONDS));

                first.unplug();
                Files.delete(stable);
                await(() -> !reader.online());
                long failed = reader.failedOpens();
                await(() -> reader.failedOpens() > failed); // tried while the device was gone

                try (PtyReader second = PtyReader.start(dir)) {
                    Files.createSymbolicLink(stable, Path.of(second.device()));
                    await(reader::online); // before: the reader thread had died with the first unplug
                    second.send("\u0002AABBCCDDEEEE\u0003");
                    assertEquals(new TagRead("AABBCCDDEE", null, 1, 0), reads.poll(5, TimeUnit.SECONDS));
                }
            }
        } finally {
            Files.deleteIfExists(stable);
        }
    }

    @Test
    void theSameLineProtocolFromASerialToEthernetServerIsReadAndReconnected() throws Exception {
        BlockingQueue<TagRead> reads = new LinkedBlockingQueue<>();
        AtomicInteger heartbeats = new AtomicInteger();
        try (java.net.ServerSocket server = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            server.setSoTimeout(10_000);
            String device = "tcp://127.0.0.1:" + server.getLocalPort();
            try (SerialTagReader reader = new SerialTagReader(new SerialSettings(device, 9600, FrameFormat.HEX_LINES, 1, 0, 50, 200))) {
                reader.onRead(reads::add);
                reader.onHeartbeat(heartbeats::incrementAndGet);
                reader.start();
                try (java.net.Socket first = server.accept()) {
                    await(reader::online);
                    first.getOutputStream().write("E28011606000020A1B2C3D4E\n".getBytes(StandardCharsets.US_ASCII));
                    assertEquals(new TagRead("E28011606000020A1B2C3D4E", null, 1, 0), reads.poll(5, TimeUnit.SECONDS));
                    int beats = heartbeats.get();
                    await(() -> heartbeats.get() > beats + 1); // the open connection beats with no card near
                }
                // The server dropped the connection (a power cycle of the converter): the reader connects again.
                // Its new connection completes in the server's backlog before any accept, so "offline" may last
                // only a moment; the second open is the signal that cannot be missed on a busy machine.
                await(() -> reader.opens() == 2);
                try (java.net.Socket second = server.accept()) {
                    await(reader::online);
                    second.getOutputStream().write("300833B2DDD9014000000001\r\n".getBytes(StandardCharsets.US_ASCII));
                    assertEquals(new TagRead("300833B2DDD9014000000001", null, 1, 0), reads.poll(5, TimeUnit.SECONDS));
                }
                assertEquals(2, reader.opens());
            }
        }
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "condition not reached in 10 s");
            Thread.sleep(10);
        }
    }
}
