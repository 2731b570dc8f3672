package dev.lanecontroller.core;

import java.util.Locale;

/** Plate normalisation (DESIGN §4): upper case, no spaces, dashes or dots, with the jurisdiction. */
public final class Plates {
    private Plates() {}

    /** "on", "abc-123" becomes "ON:ABC123". Returns null when the text has nothing left. */
    public static String key(String jurisdiction, String text) {
        String plate = strip(text);
        if (plate.isEmpty()) {
            return null;
        }
        return strip(jurisdiction) + ":" + plate;
    }

    private static String strip(String raw) {
        StringBuilder kept = new StringBuilder(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c != ' ' && c != '-' && c != '.' && c != '\t') {
                kept.append(c);
            }
        }
        return kept.toString().toUpperCase(Locale.ROOT);
    }
}
