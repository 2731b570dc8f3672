package dev.lanecontroller.hal;

import java.util.Locale;
import java.util.Objects;

/**
 * One read of a UHF card (EPC Gen2). The EPC is upper-case hex; the TID is the factory chip id when
 * the reader was set up to read it, else null.
 */
public record TagRead(String epcHex, String tidHex, int antenna, int rssiDbm) {
    /** EPC-96 is 24 hex digits; longer EPCs exist (EPC-496), nothing in the field is longer. */
    public static final int EPC_HEX_LENGTH_MAX = 124;
    public static final int TID_HEX_LENGTH_MAX = 64;

    public TagRead {
        Objects.requireNonNull(epcHex, "epcHex");
        epcHex = normaliseHex(epcHex, EPC_HEX_LENGTH_MAX, "EPC");
        if (tidHex != null) {
            tidHex = normaliseHex(tidHex, TID_HEX_LENGTH_MAX, "TID");
        }
    }

    /** Upper-cases and checks a hex string; throws IllegalArgumentException naming what is wrong. */
    public static String normaliseHex(String hex, int lengthMax, String what) {
        String upper = hex.strip().toUpperCase(Locale.ROOT);
        if (upper.isEmpty() || upper.length() > lengthMax) {
            throw new IllegalArgumentException(what + " must be 1.." + lengthMax + " hex digits, got " + upper.length());
        }
        for (int i = 0; i < upper.length(); i++) {
            char c = upper.charAt(i);
            boolean hexDigit = (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F');
            if (!hexDigit) {
                throw new IllegalArgumentException(what + " has a non-hex character at position " + (i + 1));
            }
        }
        return upper;
    }
}
