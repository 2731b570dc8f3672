package dev.lanecontroller.hal.serial;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Serial framing: lines, STX/ETX with a checksum, garbage, and random bytes. */
class FrameParserTest {
    private final List<FrameParser.Outcome> outcomes = new ArrayList<>();

    private void feed(FrameFormat format, String text) {
        FrameParser parser = new FrameParser(format, outcomes::add);
        byte[] bytes = text.getBytes(StandardCharsets.ISO_8859_1);
        // In pieces, as a port delivers them.
        for (int i = 0; i < bytes.length; i += 3) {
            byte[] piece = java.util.Arrays.copyOfRange(bytes, i, Math.min(bytes.length, i + 3));
            parser.accept(piece, piece.length);
        }
    }

    @Test
    void hexLinesGiveCardsAndBadLinesAreRejectedWithTheReason() {
        feed(FrameFormat.HEX_LINES, "e28011606000020a1b2c3d4e\r\n\r\nE2801160XYZ\r\nABC\r\n300833B2DDD9014000000001\r\n");
        assertEquals(List.of(new FrameParser.Card("E28011606000020A1B2C3D4E"), new FrameParser.Rejected("a non-hex byte 0x58 at 9"),
                new FrameParser.Rejected("3 hex digits (8..124, even)"), new FrameParser.Card("300833B2DDD9014000000001")), outcomes);
    }

    @Test
    void aFrameWithoutAnEndIsRejectedOnceAndTheNextFrameIsRead() {
        feed(FrameFormat.HEX_LINES, "A".repeat(2_000) + "\r\nE28011606000020A1B2C3D4E\r\n");
        assertEquals(List.of(new FrameParser.Rejected("no frame end within 512 bytes"), new FrameParser.Card("E28011606000020A1B2C3D4E")),
                outcomes);
    }

    @Test
    void linesEndingInLfOnlyOrCrOnlyAreLinesToo() {
        // Readers end lines with CR LF, LF or CR: each is a line end when the frame is a hex line.
        feed(FrameFormat.HEX_LINES, "E28011606000020A1B2C3D4E\n300833B2DDD9014000000001\rE28011606000020A1B2C3D4F\r\n");
        assertEquals(List.of(new FrameParser.Card("E28011606000020A1B2C3D4E"), new FrameParser.Card("300833B2DDD9014000000001"),
                new FrameParser.Card("E28011606000020A1B2C3D4F")), outcomes, "before, LF-only and CR-only lines never ended");
    }

    @Test
    void afterAnOverlongFrameTheNextPrefixStartsAFrameThatIsRead() {
        FrameFormat stxEtx = new FrameFormat(new byte[] {2}, new byte[] {3}, 10, 10, FrameFormat.Checksum.XOR);
        feed(stxEtx, "\u0002" + "7".repeat(700) + "\u00020102030405" + "01" + "\u0003");
        assertEquals(List.of(new FrameParser.Rejected("no frame end within 512 bytes"), new FrameParser.Card("0102030405")), outcomes,
                "before, the good frame after the garbage was dropped as the garbage's end");
    }

    @Test
    void prefixesAndEscapesAreReadAsTheManualWritesThem() {
        FrameFormat format = new FrameFormat(FrameFormat.unescape("EPC:"), FrameFormat.unescape("\\r\\n"), 24, 24, FrameFormat.Checksum.NONE);
        feed(format, "boot v1.2\r\nEPC:E28011606000020A1B2C3D4E\r\n");
        assertEquals(List.of(new FrameParser.Card("E28011606000020A1B2C3D4E")), outcomes);
        assertArrayEquals(new byte[] {2, 'a', '\\', 3}, FrameFormat.unescape("\\x02a\\\\\\x03"));
        assertThrows(IllegalArgumentException.class, () -> FrameFormat.unescape("\\x0"));
        assertThrows(IllegalArgumentException.class, () -> FrameFormat.unescape("\\q"));
    }

    @Test
    void randomBytesNeverThrow() {
        SplittableRandom random = new SplittableRandom(5);
        FrameFormat[] formats = {FrameFormat.HEX_LINES,
            new FrameFormat(new byte[] {2}, new byte[] {3}, 10, 10, FrameFormat.Checksum.XOR)};
        for (FrameFormat format : formats) {
            FrameParser parser = new FrameParser(format, outcomes::add);
            byte[] chunk = new byte[64];
            for (int i = 0; i < 50_000; i++) {
                random.nextBytes(chunk);
                // Mostly hex digits and frame bytes, so that frames do form.
                for (int j = 0; j < chunk.length; j++) {
                    int pick = random.nextInt(20);
                    chunk[j] = (byte) (pick < 16 ? "0123456789ABCDEF".charAt(pick) : pick == 16 ? 2 : pick == 17 ? 3 : pick == 18 ? '\r' : '\n');
                }
                parser.accept(chunk, random.nextInt(chunk.length + 1));
            }
        }
        assertTrue(outcomes.stream().anyMatch(o -> o instanceof FrameParser.Card), "some random frames are well-formed");
    }
}
