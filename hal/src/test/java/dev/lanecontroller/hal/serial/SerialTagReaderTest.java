package dev.lanecontroller.hal.serial;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanecontroller.hal.TagRead;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A serial reader through jSerialComm on a pseudo-terminal: frames, rejects, heartbeat, unplugging. */
class SerialTagReaderTest {
    @TempDir
    Path dir;

    @Test
    void readsFramesFromAPseudoTerminalAndGoesSilentWhenItIsUnplugged() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/python3")), "needs /usr/bin/python3 for the pseudo-terminal");
        Path relay = dir.resolve("pty_relay.py");
        try (var script = SerialTagReaderTest.class.getResourceAsStream("/pty_relay.py")) {
            Files.copy(script, relay);
        }
        Process python = new ProcessBuilder("/usr/bin/python3", relay.toString()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        BlockingQueue<TagRead> reads = new LinkedBlockingQueue<>();
        AtomicInteger heartbeats = new AtomicInteger();
        try {
            String device = new BufferedReader(new InputStreamReader(python.getInputStream(), StandardCharsets.US_ASCII)).readLine();
            FrameFormat stxEtx = new FrameFormat(new byte[] {0x02}, new byte[] {0x03}, 10, 10, FrameFormat.Checksum.XOR);
            try (SerialTagReader reader = new SerialTagReader(new SerialSettings(device, 9600, stxEtx, 1, 0, 50, 200))) {
                reader.onRead(reads::add);
                reader.onHeartbeat(heartbeats::incrementAndGet);
                reader.start();
                await(reader::online);
                OutputStream toReader = python.getOutputStream();
                // RDM6300 style: STX, 10 hex digits, XOR checksum as 2 hex digits, ETX. 0x01^0x02^0x03^0x04^0x05 = 0x01.
                send(toReader, "\u0002010203040501\u0003");
                assertEquals(new TagRead("0102030405", null, 1, 0), reads.poll(5, TimeUnit.SECONDS));
                send(toReader, "\u0002010203040502\u0003");                 // bad checksum
                send(toReader, "noise\u0002AABBCCDDEEFF\u0003");               // bad checksum after noise
                send(toReader, "\u0002AABBCCDDEEEE\u0003");                  // good: AA^BB^CC^DD^EE = 0xEE
                assertEquals(new TagRead("AABBCCDDEE", null, 1, 0), reads.poll(5, TimeUnit.SECONDS));
                assertEquals(2, reader.rejectedFrames());
                assertEquals(2, reader.reads());
                int beats = heartbeats.get();
                await(() -> heartbeats.get() > beats + 1); // the open port beats even with no card near

                toReader.close(); // the relay ends: the terminal is gone, like an unplugged reader
                python.waitFor(5, TimeUnit.SECONDS);
                await(() -> !reader.online());
                int beatsAfter = heartbeats.get();
                long failedBefore = reader.failedOpens();
                // The reader goes on trying the port; two failed attempts later it has had time to beat, had it a device.
                await(() -> reader.failedOpens() >= failedBefore + 2);
                assertEquals(beatsAfter, heartbeats.get(), "no heartbeat without the device");
                assertFalse(reader.lastProblem().isEmpty());
            }
        } finally {
            python.destroyForcibly();
        }
    }

    /** A relay process: a pseudo-terminal that plays a serial reader; its device path on the first line. */
    private record Relay(Process process, String device) {
        static Relay start(Path script) throws Exception {
            Process python = new ProcessBuilder("/usr/bin/python3", script.toString()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            String device = new BufferedReader(new InputStreamReader(python.getInputStream(), StandardCharsets.US_ASCII)).readLine();
            return new Relay(python, device);
        }

        void unplug() throws Exception {
            process.getOutputStream().close();
            process.waitFor(5, TimeUnit.SECONDS);
            process.destroyForcibly();
        }
    }

    @Test
    void aReaderUnpluggedAndPluggedBackAtTheSamePathIsReadAgain() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/python3")), "needs /usr/bin/python3 for the pseudo-terminal");
        Path script = dir.resolve("pty_relay.py");
        try (var in = SerialTagReaderTest.class.getResourceAsStream("/pty_relay.py")) {
            Files.copy(in, script);
        }
        // The stable name a udev rule gives a USB reader (/dev/serial/by-id/...), here a link under /dev/shm.
        Path stable = Path.of("/dev/shm", "lane-test-reader-" + ProcessHandle.current().pid() + "-" + System.nanoTime());
        Relay first = Relay.start(script);
        Files.createSymbolicLink(stable, Path.of(first.device()));
        BlockingQueue<TagRead> reads = new LinkedBlockingQueue<>();
        FrameFormat stxEtx = new FrameFormat(new byte[] {0x02}, new byte[] {0x03}, 10, 10, FrameFormat.Checksum.XOR);
        Relay second = null;
        try (SerialTagReader reader = new SerialTagReader(new SerialSettings(stable.toString(), 9600, stxEtx, 1, 0, 50, 200))) {
            reader.onRead(reads::add);
            reader.start();
            await(reader::online);
            send(first.process().getOutputStream(), "\u0002010203040501\u0003");
            assertEquals(new TagRead("0102030405", null, 1, 0), reads.poll(5, TimeUnit.SECONDS));

            first.unplug();
            Files.delete(stable);
            await(() -> !reader.online());
            long failed = reader.failedOpens();
            await(() -> reader.failedOpens() > failed); // tried while the device was gone

            second = Relay.start(script);
            Files.createSymbolicLink(stable, Path.of(second.device()));
            await(reader::online); // before: the reader thread had died with the first unplug
            send(second.process().getOutputStream(), "\u0002AABBCCDDEEEE\u0003");
            assertEquals(new TagRead("AABBCCDDEE", null, 1, 0), reads.poll(5, TimeUnit.SECONDS));
        } finally {
            Files.deleteIfExists(stable);
            first.process().destroyForcibly();
            if (second != null) {
                second.process().destroyForcibly();
            }
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

    private static void send(OutputStream out, String text) throws Exception {
        out.write((HexFormat.of().formatHex(text.getBytes(StandardCharsets.US_ASCII)) + "\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "condition not reached in 10 s");
            Thread.sleep(10);
        }
    }
}
