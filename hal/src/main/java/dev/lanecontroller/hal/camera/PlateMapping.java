package dev.lanecontroller.hal.camera;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import dev.lanecontroller.hal.PlateEventKind;
import dev.lanecontroller.hal.PlateReport;
import java.util.Locale;
import java.util.Map;

/**
 * Where a camera's webhook JSON keeps the plate, as JSON Pointers (RFC 6901), so that any camera's
 * format maps without code. Only the text is required; a missing jurisdiction is "", a missing
 * confidence is 100, a missing event kind is NEW.
 *
 * @param confidenceScale what the camera's full confidence is (1 for 0..1 scores, 100 for percent)
 * @param kinds the camera's event names to NEW, UPDATE, LOST (compared ignoring case)
 */
public record PlateMapping(String textPointer, String jurisdictionPointer, String confidencePointer, double confidenceScale,
                           String kindPointer, Map<String, PlateEventKind> kinds) {
    /** Plate Recognizer's webhook: the first result. */
    public static final PlateMapping PLATE_RECOGNIZER = new PlateMapping("/data/results/0/plate", "/data/results/0/region/code",
            "/data/results/0/score", 1, null, Map.of());
    /** A flat event: {"plate": "ABC123", "region": "ON", "confidence": 93, "event": "new"}. */
    public static final PlateMapping FLAT = new PlateMapping("/plate", "/region", "/confidence", 100, "/event",
            Map.of("new", PlateEventKind.NEW, "update", PlateEventKind.UPDATE, "lost", PlateEventKind.LOST));

    public PlateMapping {
        kinds = Map.copyOf(kinds);
        for (String pointer : new String[] {textPointer, jurisdictionPointer, confidencePointer, kindPointer}) {
            if (pointer != null) {
                JsonPointer.compile(pointer); // throws IllegalArgumentException naming the fault
            }
        }
        if (textPointer == null) {
            throw new IllegalArgumentException("the plate mapping needs the text's pointer");
        }
        if (!(confidenceScale > 0)) {
            throw new IllegalArgumentException("confidence scale must be positive, got " + confidenceScale);
        }
    }

    /** The report in a posted document; IllegalArgumentException naming the field that does not fit. */
    public PlateReport read(JsonNode document) {
        String text = text(document, textPointer, "text");
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("no plate text at " + textPointer);
        }
        String jurisdiction = jurisdictionPointer == null ? null : text(document, jurisdictionPointer, "jurisdiction");
        int confidence = 100;
        if (confidencePointer != null) {
            JsonNode node = document.at(confidencePointer);
            if (!node.isMissingNode() && !node.isNull()) {
                if (!node.isNumber()) {
                    throw new IllegalArgumentException("confidence at " + confidencePointer + " is not a number");
                }
                double pct = node.asDouble() * 100 / confidenceScale;
                if (!(pct >= 0 && pct <= 100.000_1)) {
                    throw new IllegalArgumentException("confidence at " + confidencePointer + " is " + node.asText() + ", outside 0.."
                            + confidenceScale);
                }
                confidence = (int) Math.round(Math.min(100, pct));
            }
        }
        PlateEventKind kind = PlateEventKind.NEW;
        if (kindPointer != null) {
            String name = text(document, kindPointer, "event kind");
            if (name != null) {
                kind = kinds.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name)).map(Map.Entry::getValue).findFirst()
                        .orElseThrow(() -> new IllegalArgumentException("event kind '" + name + "' at " + kindPointer + " is not one of "
                                + kinds.keySet()));
            }
        }
        return new PlateReport(text.strip().toUpperCase(Locale.ROOT), jurisdiction == null ? "" : jurisdiction.strip().toUpperCase(Locale.ROOT),
                confidence, kind);
    }

    private static String text(JsonNode document, String pointer, String what) {
        JsonNode node = document.at(pointer);
        if (node.isMissingNode() || node.isNull()) {
            return null;
        }
        if (!node.isTextual()) {
            throw new IllegalArgumentException(what + " at " + pointer + " is not a string");
        }
        return node.asText();
    }
}
