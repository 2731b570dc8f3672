package dev.lanecontroller.hal.llrp;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Random and mutated bytes through every LLRP decoder: an LlrpException or an IOException, nothing else. */
class LlrpFuzzTest {
    private static final int ITERATIONS = 200_000;

    @Test
    void aMessageClaimingMoreThanTheLimitIsRefusedBeforeItsBodyIsRead() {
        // Version 1, RO_ACCESS_REPORT, length 2 MiB: nothing of the body is allocated or read.
        byte[] header = FakeReader.hex("043D 00200000 00000001");
        LlrpException e = org.junit.jupiter.api.Assertions.assertThrows(LlrpException.class,
                () -> LlrpFraming.read(new ByteArrayInputStream(header)));
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("outside 10.." + LlrpFraming.MESSAGE_BYTES_MAX), e.getMessage());
    }

    @Test
    void randomBytesNeverEscapeAsAnythingButLlrpException() {
        SplittableRandom random = new SplittableRandom(20261128);
        // Real messages with a few bytes changed reach deep into the parameters: reports (EPC-96, EPCData,
        // a TID read), an antenna event, a GET_READER_CONFIG_RESPONSE with AntennaProperties.
        byte[][] seeds = {FakeReader.hex(FakeReader.REPORT_TWO_TAGS), FakeReader.hex(FakeReader.REPORT_TAG_WITH_TID),
            FakeReader.hex(FakeReader.ANTENNA_2_DISCONNECTED),
            FakeReader.hex("040C 0000002D 00000005 011F 0008 0000 0000 " + FakeReader.ANTENNA_1_UP_2_DOWN + " 00DD 0009 80 0003 0000")};
        for (byte[] seed : seeds) {
            assertDoesNotThrow(() -> LlrpFraming.read(new ByteArrayInputStream(seed)), "every seed is a whole, valid message");
        }
        int decoded = 0;
        int antennaStates = 0;
        for (int i = 0; i < ITERATIONS; i++) {
            byte[] bytes;
            if (i % 2 == 0) {
                bytes = seeds[(i / 2) % seeds.length].clone();
                for (int flips = 1 + random.nextInt(4); flips > 0; flips--) {
                    bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
                }
            } else {
                bytes = new byte[random.nextInt(80)];
                random.nextBytes(bytes);
            }
            LlrpMessage message;
            try {
                message = LlrpFraming.read(new ByteArrayInputStream(bytes));
            } catch (LlrpException | IOException expected) {
                continue; // rejected, as it should be
            }
            // Every decoder on every message, each on its own: one refusing must not hide another's escape.
            LlrpMessage asReport = new LlrpMessage(LlrpMessage.RO_ACCESS_REPORT, message.id(), message.body());
            try {
                decoded += LlrpDecoder.tagReports(asReport).size();
            } catch (LlrpException expected) {
                // Refused.
            }
            try {
                antennaStates += LlrpDecoder.antennaEvents(message).size() + LlrpDecoder.antennaProperties(message).size();
            } catch (LlrpException expected) {
                // Refused.
            }
            try {
                LlrpDecoder.connectionAttemptStatus(message);
                LlrpDecoder.status(message);
            } catch (LlrpException expected) {
                // Refused.
            }
        }
        // Some mutations leave a valid message: the decoders did real work, not just early rejections.
        assertEquals(true, decoded > 1_000, "decoded " + decoded);
        assertEquals(true, antennaStates > 1_000, "antenna states " + antennaStates);
    }
}
