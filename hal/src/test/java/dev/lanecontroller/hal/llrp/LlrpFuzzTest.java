package dev.lanecontroller.hal.llrp;

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
        byte[] seed = FakeReader.hex(FakeReader.REPORT_TWO_TAGS);
        int decoded = 0;
        for (int i = 0; i < ITERATIONS; i++) {
            byte[] bytes;
            if (i % 2 == 0) {
                bytes = seed.clone(); // a real report with a few bytes changed: reaches deep into the parameters
                for (int flips = 1 + random.nextInt(4); flips > 0; flips--) {
                    bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
                }
            } else {
                bytes = new byte[random.nextInt(80)];
                random.nextBytes(bytes);
            }
            try {
                LlrpMessage message = LlrpFraming.read(new ByteArrayInputStream(bytes));
                LlrpMessage asReport = new LlrpMessage(LlrpMessage.RO_ACCESS_REPORT, message.id(), message.body());
                decoded += LlrpDecoder.tagReports(asReport).size();
                LlrpDecoder.connectionAttemptStatus(message);
                LlrpDecoder.status(message);
            } catch (LlrpException | IOException expected) {
                // Rejected, as it should be.
            }
        }
        // Some mutations leave a valid report: the decoder did real work, not just early rejections.
        assertEquals(true, decoded > 1_000, "decoded " + decoded);
    }
}
