package dev.lanecontroller.hal.llrp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanecontroller.hal.TagRead;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/** The LLRP client against a fake reader that speaks the protocol from byte-level fixtures. */
class LlrpReaderTest {
    private static final TagRead FIRST = new TagRead("E28011606000020A1B2C3D4E", null, 2, -60);
    private static final TagRead SECOND = new TagRead("300833B2DDD9014000000001", null, 1, -90);

    private final BlockingQueue<TagRead> reads = new LinkedBlockingQueue<>();
    private final AtomicInteger heartbeats = new AtomicInteger();

    private LlrpReader reader(FakeReader fake, long silenceLimitMs) {
        LlrpReader reader = new LlrpReader(new LlrpSettings("127.0.0.1", fake.port(), List.of(1, 2), 1_000, silenceLimitMs, 2_000, 10, 50));
        reader.onRead(reads::add);
        reader.onHeartbeat(heartbeats::incrementAndGet);
        reader.start();
        return reader;
    }

    @Test
    void setsTheReaderUpDecodesReportsAndAnswersKeepalives() throws Exception {
        try (FakeReader fake = new FakeReader(); LlrpReader reader = reader(fake, 10_000)) {
            fake.accept();
            FakeReader.Received add = fake.handshake();
            assertEquals(FakeReader.ADD_ROSPEC_BODY_ANTENNAS_1_2.replace(" ", ""), HexFormat.of().withUpperCase().formatHex(add.body()));
            await(reader::online);

            fake.send(FakeReader.REPORT_TWO_TAGS);
            assertEquals(FIRST, reads.poll(5, TimeUnit.SECONDS));
            assertEquals(SECOND, reads.poll(5, TimeUnit.SECONDS));
            assertEquals(2, reader.reads());

            int beatsBefore = heartbeats.get();
            fake.send(FakeReader.KEEPALIVE_42);
            FakeReader.Received ack = fake.receive();
            assertEquals(LlrpMessage.KEEPALIVE_ACK, ack.type());
            assertEquals(42, ack.id(), "the ack carries the keepalive's id");
            await(() -> heartbeats.get() > beatsBefore);
        }
    }

    @Test
    void malformedReportsAreDroppedAndCountedAndTheReaderGoesOn() throws Exception {
        try (FakeReader fake = new FakeReader(); LlrpReader reader = reader(fake, 10_000)) {
            fake.accept();
            fake.handshake();
            await(reader::online);
            fake.send(FakeReader.REPORT_OVERRUN);
            fake.send(FakeReader.REPORT_UNKNOWN_TV);
            fake.send(FakeReader.REPORT_TWO_TAGS);
            assertEquals(FIRST, reads.poll(5, TimeUnit.SECONDS));
            assertEquals(SECOND, reads.poll(5, TimeUnit.SECONDS));
            assertEquals(2, reader.badReports());
            assertTrue(reader.online());
            assertEquals(1, reader.connects());
        }
    }

    @Test
    void aLostConnectionOrABrokenStreamIsReconnectedAndSetUpAgain() throws Exception {
        try (FakeReader fake = new FakeReader(); LlrpReader reader = reader(fake, 10_000)) {
            fake.accept();
            fake.handshake();
            await(reader::online);
            fake.drop();
            await(() -> !reader.online());

            // A message cut short: the stream can no longer be read, so the connection goes.
            fake.accept();
            fake.handshake();
            await(() -> reader.connects() == 2);
            fake.sendBytes(java.util.Arrays.copyOf(FakeReader.hex(FakeReader.REPORT_TWO_TAGS), 30));
            fake.drop();
            await(() -> !reader.online());

            // A header of another LLRP version: the same.
            fake.accept();
            fake.handshake();
            await(() -> reader.connects() == 3);
            fake.send("0C3D 00000044 00000007");
            await(() -> !reader.online());

            fake.accept();
            fake.handshake();
            await(() -> reader.connects() == 4);
            fake.send(FakeReader.REPORT_TWO_TAGS);
            assertEquals(FIRST, reads.poll(5, TimeUnit.SECONDS));
            assertTrue(reader.badReports() >= 2, "the truncated message and the wrong version count");
        }
    }

    @Test
    void aSilentReaderIsOfflineAndReconnected() throws Exception {
        try (FakeReader fake = new FakeReader(); LlrpReader reader = reader(fake, 2_000)) {
            fake.accept();
            fake.handshake();
            await(reader::online);
            // No keepalive, no report: after the silence limit the client gives up on this connection.
            await(() -> !reader.online());
            assertTrue(reader.lastProblem().contains("silent"), reader.lastProblem());
            fake.accept();
            fake.handshake();
            await(reader::online);
        }
    }

    @Test
    void aReaderHeldByAnotherClientIsRetriedLater() throws Exception {
        try (FakeReader fake = new FakeReader(); LlrpReader reader = reader(fake, 10_000)) {
            fake.accept();
            fake.send(FakeReader.CONNECTION_REFUSED);
            fake.accept();
            assertTrue(reader.lastProblem().contains("another client"), reader.lastProblem());
            fake.handshake();
            await(reader::online);
        }
    }

    @Test
    void aReportSplitAcrossSegmentsThatArriveApartIsReadWhole() throws Exception {
        // One TCP retransmission on a real network is 200 ms or more: a report must survive arriving in pieces.
        byte[] report = FakeReader.hex(FakeReader.REPORT_TWO_TAGS);
        try (FakeReader fake = new FakeReader(); LlrpReader reader = reader(fake, 10_000)) {
            fake.accept();
            fake.handshake();
            await(reader::online);
            for (int cut : new int[] {3, 10, 14, report.length - 1}) {
                fake.sendBytes(java.util.Arrays.copyOfRange(report, 0, cut));
                Thread.sleep(300);
                fake.sendBytes(java.util.Arrays.copyOfRange(report, cut, report.length));
                assertEquals(FIRST, reads.poll(5, TimeUnit.SECONDS), "cut at byte " + cut);
                assertEquals(SECOND, reads.poll(5, TimeUnit.SECONDS), "cut at byte " + cut);
            }
            assertEquals(0, reader.badReports());
            assertEquals(1, reader.connects(), "never reconnected");
        }
    }

    @Test
    void aReaderThatNeverAnswersItsSetUpIsDroppedAndReconnectedWhileItsKeepalivesDoNotCountAsAlive() throws Exception {
        try (FakeReader fake = new FakeReader(); LlrpReader reader = reader(fake, 2_000)) {
            fake.accept();
            fake.send(FakeReader.CONNECTION_ACCEPTED);
            fake.answer(LlrpMessage.SET_READER_CONFIG, LlrpMessage.SET_READER_CONFIG_RESPONSE);
            fake.answer(LlrpMessage.DELETE_ACCESSSPEC, LlrpMessage.DELETE_ACCESSSPEC_RESPONSE);
            fake.answer(LlrpMessage.DELETE_ROSPEC, LlrpMessage.DELETE_ROSPEC_RESPONSE);
            assertEquals(LlrpMessage.ADD_ROSPEC, fake.receive().type());
            int beatsBefore = heartbeats.get();
            // ADD_ROSPEC is never answered, but the reader's keepalives go on.
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (reader.connectionFailures() == 0 && System.nanoTime() < until) {
                fake.send(FakeReader.KEEPALIVE_42);
                Thread.sleep(500);
            }
            assertTrue(reader.connectionFailures() > 0, "before the fix the client waited for ever");
            assertTrue(reader.lastProblem().contains("no response"), reader.lastProblem());
            assertEquals(beatsBefore, heartbeats.get(), "a reader not set up is not a reader the lane can count on");
            assertFalse(reader.online());
            fake.accept();
            fake.handshake();
            await(reader::online);
        }
    }

    @Test
    void readsEachTagsTidWithAnAccessSpecWhenAsked() throws Exception {
        try (FakeReader fake = new FakeReader(); LlrpReader reader = new LlrpReader(new LlrpSettings("127.0.0.1", fake.port(),
                List.of(1, 2), 1_000, 10_000, 2_000, 10, 50, LlrpSettings.Air.READER_DEFAULTS, 6))) {
            reader.onRead(reads::add);
            reader.start();
            fake.accept();
            String[] sent = new String[1];
            fake.handshake(spec -> sent[0] = HexFormat.of().withUpperCase().formatHex(spec.body()), "");
            assertEquals(FakeReader.ADD_ACCESSSPEC_BODY_TID_6_WORDS.replace(" ", ""), sent[0]);
            await(reader::online);
            fake.send(FakeReader.REPORT_TAG_WITH_TID);
            assertEquals(new TagRead("E28011606000020A1B2C3D4E", "E2801160200012345678ABCD", 2, LlrpDecoder.RSSI_MISSING_DBM),
                    reads.poll(5, TimeUnit.SECONDS));
            // The tag did not answer the read: the card is reported without a TID, not dropped.
            fake.send(FakeReader.REPORT_TAG_TID_UNREAD);
            assertEquals(new TagRead("E28011606000020A1B2C3D4E", null, 2, LlrpDecoder.RSSI_MISSING_DBM), reads.poll(5, TimeUnit.SECONDS));
        }
    }

    @Test
    void aLaneAntennaDisconnectedIsReaderTroubleUntilTheReaderSaysItIsBack() throws Exception {
        BlockingQueue<String> trouble = new LinkedBlockingQueue<>();
        try (FakeReader fake = new FakeReader(); LlrpReader reader = new LlrpReader(new LlrpSettings("127.0.0.1", fake.port(),
                List.of(1, 2), 1_000, 10_000, 2_000, 10, 50))) {
            reader.onTrouble(trouble::add, () -> trouble.add("ended"));
            reader.start();
            fake.accept();
            // Already unplugged when the lane connects: the reader's AntennaProperties say so.
            fake.handshake(null, FakeReader.ANTENNA_1_UP_2_DOWN);
            assertEquals("antenna 2 disconnected", trouble.poll(5, TimeUnit.SECONDS));
            fake.send(FakeReader.ANTENNA_2_CONNECTED);
            assertEquals("ended", trouble.poll(5, TimeUnit.SECONDS));
            fake.send(FakeReader.ANTENNA_3_DISCONNECTED); // the next lane's antenna: not this lane's trouble
            fake.send(FakeReader.ANTENNA_2_DISCONNECTED);
            assertEquals("antenna 2 disconnected", trouble.poll(5, TimeUnit.SECONDS));
            assertEquals("antenna 2 disconnected", reader.antennaTrouble());
            // A reconnect asks again: the reader now says every antenna is there.
            fake.drop();
            fake.accept();
            fake.handshake(null, "00DD 0009 80 0001 0000 00DD 0009 80 0002 0000 00DD 0009 00 0003 0000");
            assertEquals("ended", trouble.poll(5, TimeUnit.SECONDS));
            assertEquals("", reader.antennaTrouble());
        }
    }

    @Test
    void aReaderReportingThousandsOfAntennasDownNamesAFewAndCountsTheRest() throws Exception {
        BlockingQueue<String> trouble = new LinkedBlockingQueue<>();
        try (FakeReader fake = new FakeReader(); LlrpReader reader = new LlrpReader(new LlrpSettings("127.0.0.1", fake.port(),
                List.of(), 1_000, 10_000, 2_000, 10, 50))) { // every antenna is the lane's
            reader.onTrouble(trouble::add, () -> trouble.add("ended"));
            reader.start();
            fake.accept();
            StringBuilder properties = new StringBuilder();
            for (int antenna = 1; antenna <= 3_000; antenna++) {
                properties.append(String.format("00DD 0009 00 %04X 0000 ", antenna));
            }
            fake.handshake(null, properties.toString());
            String detail = trouble.poll(5, TimeUnit.SECONDS);
            assertEquals("antennas 1, 2, 3, 4, 5, 6, 7, 8 and 2992 more disconnected", detail);
        }
    }

    @Test
    void everyNewProblemIsLoggedEvenRightAfterTheConnectionWasLost() throws Exception {
        java.util.logging.Logger log = java.util.logging.Logger.getLogger(LlrpReader.class.getName());
        List<String> logged = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.logging.Handler capture = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord record) {
                logged.add(record.getMessage());
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        log.addHandler(capture);
        try (FakeReader fake = new FakeReader(); LlrpReader reader = reader(fake, 2_000)) {
            fake.accept();
            fake.handshake();
            await(reader::online);
            fake.drop(); // lost: logged
            fake.accept();
            fake.send(FakeReader.CONNECTION_ACCEPTED);
            fake.answer(LlrpMessage.SET_READER_CONFIG, LlrpMessage.SET_READER_CONFIG_RESPONSE);
            fake.answer(LlrpMessage.DELETE_ACCESSSPEC, LlrpMessage.DELETE_ACCESSSPEC_RESPONSE);
            fake.answer(LlrpMessage.DELETE_ROSPEC, LlrpMessage.DELETE_ROSPEC_RESPONSE);
            assertEquals(LlrpMessage.ADD_ROSPEC, fake.receive().type()); // never answered, and nothing else comes
            await(() -> reader.connectionFailures() >= 2);
            await(() -> logged.stream().anyMatch(line -> line.contains("closed the connection")));
            await(() -> logged.stream().anyMatch(line -> line.contains("silent for 2000 ms")));
        } finally {
            log.removeHandler(capture);
        }
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            assertFalse(System.nanoTime() > deadline, "condition not reached in 10 s");
            Thread.sleep(10);
        }
    }
}
