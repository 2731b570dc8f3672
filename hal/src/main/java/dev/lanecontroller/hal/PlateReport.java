package dev.lanecontroller.hal;

import java.util.Objects;

/** A licence-plate camera report, as the camera gave it (not normalised). */
public record PlateReport(String text, String jurisdiction, int confidencePct, PlateEventKind kind) {
    /** No plate in North America or Europe has more than 10 characters; 16 leaves room for separators. */
    public static final int TEXT_LENGTH_MAX = 16;
    public static final int JURISDICTION_LENGTH_MAX = 8;

    public PlateReport {
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(jurisdiction, "jurisdiction");
        Objects.requireNonNull(kind, "kind");
        if (text.length() > TEXT_LENGTH_MAX) {
            throw new IllegalArgumentException("plate text longer than " + TEXT_LENGTH_MAX + " characters");
        }
        if (jurisdiction.length() > JURISDICTION_LENGTH_MAX) {
            throw new IllegalArgumentException("plate jurisdiction longer than " + JURISDICTION_LENGTH_MAX + " characters");
        }
        if (confidencePct < 0 || confidencePct > 100) {
            throw new IllegalArgumentException("plate confidence must be 0..100, got " + confidencePct);
        }
    }
}
