package dev.lanecontroller.hal.serial;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.function.Consumer;

/**
 * Cuts a serial reader's byte stream into frames and checks each: bytes before the prefix are
 * skipped, a frame ends at the suffix, a frame longer than {@link FrameFormat#FRAME_BYTES_MAX} is
 * rejected and the parser looks for the next prefix. A suffix that is a line end (CR LF, LF or CR)
 * means any of them: readers end their lines each their own way. Pure and single-threaded.
 */
public final class FrameParser {
    /** What a frame was. */
    public sealed interface Outcome permits Card, Rejected {}

    /** A good frame: the card's number, upper-case hex. */
    public record Card(String hex) implements Outcome {}

    public record Rejected(String reason) implements Outcome {}

    private final FrameFormat format;
    private final byte[] prefix;
    private final byte[] suffix;
    private final Consumer<Outcome> outcomes;
    private final byte[] frame = new byte[FrameFormat.FRAME_BYTES_MAX];
    private int length;
    /** Without a prefix every byte is in a frame; with one, only after it. */
    private boolean inFrame;
    private int prefixMatched;
    private boolean overflowed;
    /** The suffix is a line end: CR or LF ends a frame, whichever the reader sends. */
    private final boolean anyLineEnd;

    public FrameParser(FrameFormat format, Consumer<Outcome> outcomes) {
        this.format = format;
        this.prefix = format.prefix();
        this.suffix = format.suffix();
        this.outcomes = outcomes;
        this.inFrame = prefix.length == 0;
        this.anyLineEnd = Arrays.equals(suffix, new byte[] {'\r', '\n'}) || Arrays.equals(suffix, new byte[] {'\n'})
                || Arrays.equals(suffix, new byte[] {'\r'});
    }

    public void accept(byte[] bytes, int count) {
        for (int i = 0; i < count; i++) {
            accept(bytes[i]);
        }
    }

    private void accept(byte b) {
        if (!inFrame) {
            prefixMatched = b == prefix[prefixMatched] ? prefixMatched + 1 : (b == prefix[0] ? 1 : 0);
            if (prefixMatched == prefix.length) {
                inFrame = true;
                prefixMatched = 0;
                length = 0;
                overflowed = false; // a new frame starts here, whatever came before it
            }
            return;
        }
        if (length == frame.length) {
            if (!overflowed) {
                overflowed = true;
                outcomes.accept(new Rejected("no frame end within " + FrameFormat.FRAME_BYTES_MAX + " bytes"));
            }
            length = 0; // keep scanning for the suffix (no prefix) or start over at the next prefix
            if (prefix.length > 0) {
                inFrame = false;
                accept(b);
                return;
            }
        }
        frame[length++] = b;
        boolean ended = anyLineEnd ? b == '\r' || b == '\n'
                : length >= suffix.length && Arrays.equals(frame, length - suffix.length, length, suffix, 0, suffix.length);
        if (ended) {
            int content = length - (anyLineEnd ? 1 : suffix.length);
            length = 0;
            inFrame = prefix.length == 0;
            if (overflowed) {
                overflowed = false; // the end of the garbage, not a frame
                return;
            }
            Outcome outcome = check(content);
            if (outcome != null) {
                outcomes.accept(outcome);
            }
        }
    }

    private Outcome check(int content) {
        if (content == 0 && prefix.length == 0) {
            return null; // an empty line between frames
        }
        int checksumDigits = format.checksum() == FrameFormat.Checksum.XOR ? 2 : 0;
        int digits = content - checksumDigits;
        for (int i = 0; i < content; i++) {
            if (Character.digit(frame[i], 16) < 0) {
                return new Rejected("a non-hex byte 0x" + HexFormat.of().toHexDigits(frame[i]) + " at " + (i + 1));
            }
        }
        if (digits < format.minHexDigits() || digits > format.maxHexDigits() || digits % 2 != 0) {
            return new Rejected(Math.max(digits, 0) + " hex digits (" + format.minHexDigits() + ".." + format.maxHexDigits() + ", even)");
        }
        String hex = new String(frame, 0, digits, java.nio.charset.StandardCharsets.US_ASCII).toUpperCase(java.util.Locale.ROOT);
        if (checksumDigits > 0) {
            byte[] number = HexFormat.of().parseHex(hex);
            int xor = 0;
            for (byte b : number) {
                xor ^= b & 0xFF;
            }
            int given = Integer.parseInt(new String(frame, digits, 2, java.nio.charset.StandardCharsets.US_ASCII), 16);
            if (xor != given) {
                return new Rejected("checksum " + String.format("%02X", given) + ", the number's XOR is " + String.format("%02X", xor));
            }
        }
        return new Card(hex);
    }
}
