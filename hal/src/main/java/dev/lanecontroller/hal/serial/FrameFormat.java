package dev.lanecontroller.hal.serial;

/**
 * How a line-oriented serial reader frames a card: an optional prefix (STX, a tag like "EPC:"),
 * the card's number in hex, an optional checksum, and a suffix that ends the frame (CR LF, ETX).
 *
 * @param minHexDigits shorter numbers are rejected (EPC-96: 24; 125 kHz EM4100: 10)
 * @param maxHexDigits longer ones are rejected
 * @param checksum {@link Checksum#XOR}: two hex digits after the number, the XOR of its bytes
 *     (the RDM6300/EM4100 desktop-reader framing)
 */
public record FrameFormat(byte[] prefix, byte[] suffix, int minHexDigits, int maxHexDigits, Checksum checksum) {
    public enum Checksum { NONE, XOR }

    /** Prefix, number and checksum and suffix together, at most: the resync bound for garbage. */
    public static final int FRAME_BYTES_MAX = 512;
    public static final int AFFIX_BYTES_MAX = 16;

    /** A keyboard-style reader: the EPC in hex and CR LF. */
    public static final FrameFormat HEX_LINES = new FrameFormat(new byte[0], new byte[] {'\r', '\n'}, 8, 124, Checksum.NONE);

    public FrameFormat {
        prefix = prefix.clone();
        suffix = suffix.clone();
        if (suffix.length == 0 || suffix.length > AFFIX_BYTES_MAX || prefix.length > AFFIX_BYTES_MAX) {
            throw new IllegalArgumentException("a serial frame needs a suffix of 1.." + AFFIX_BYTES_MAX + " bytes and a prefix of at most "
                    + AFFIX_BYTES_MAX);
        }
        if (minHexDigits < 2 || maxHexDigits < minHexDigits || maxHexDigits > 124) {
            throw new IllegalArgumentException("serial frame hex digits: 2 <= min <= max <= 124, got " + minHexDigits + ".." + maxHexDigits);
        }
    }

    @Override
    public byte[] prefix() {
        return prefix.clone();
    }

    @Override
    public byte[] suffix() {
        return suffix.clone();
    }

    /**
     * Reads "\r", "\n", "\t", "\\" and "\xHH" in a config string (STX is "\x02"), so frames are
     * written as the reader's manual shows them.
     */
    public static byte[] unescape(String text) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c > 0x7E || c < 0x20) {
                throw new IllegalArgumentException("frame text must be printable ASCII with escapes, got code " + (int) c);
            }
            if (c != '\\') {
                out.write(c);
                continue;
            }
            if (i + 1 >= text.length()) {
                throw new IllegalArgumentException("a lone backslash at the end of '" + text + "'");
            }
            char escape = text.charAt(++i);
            switch (escape) {
                case 'r' -> out.write('\r');
                case 'n' -> out.write('\n');
                case 't' -> out.write('\t');
                case '\\' -> out.write('\\');
                case 'x' -> {
                    try {
                        out.write(Integer.parseInt(text.substring(i + 1, i + 3), 16));
                    } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
                        throw new IllegalArgumentException("\\x needs two hex digits in '" + text + "'");
                    }
                    i += 2;
                }
                default -> throw new IllegalArgumentException("unknown escape \\" + escape + " in '" + text + "' (\\r \\n \\t \\\\ \\xHH)");
            }
        }
        return out.toByteArray();
    }
}
