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
 * @param regions the camera's region codes to the lists' jurisdictions (compared ignoring case), e.g.
 *     {@code ca-on} to {@code ON}; a code not in it is taken as the jurisdiction itself, except that
 *     with {@code subdivisionCodes} an ISO 3166-2 style code ({@code ca-on}, {@code us-ny}) becomes
 *     its subdivision ({@code ON}, {@code NY}), as docs/lists.md writes plates
 */
public record PlateMapping(String textPointer, String jurisdictionPointer, String confidencePointer, double confidenceScale,
                           String kindPointer, Map<String, PlateEventKind> kinds, Map<String, String> regions, boolean subdivisionCodes) {
    /** Plate Recognizer's webhook: the first result; its regions are ISO 3166-2 style codes ({@code ca-on}). */
    public static final PlateMapping PLATE_RECOGNIZER = new PlateMapping("/data/results/0/plate", "/data/results/0/region/code",
            "/data/results/0/score", 1, null, Map.of(), Map.of(), true);
    /** A flat event: {"plate": "ABC123", "region": "ON", "confidence": 93, "event": "new"}. */
    public static final PlateMapping FLAT = new PlateMapping("/plate", "/region", "/confidence", 100, "/event",
            Map.of("new", PlateEventKind.NEW, "update", PlateEventKind.UPDATE, "lost", PlateEventKind.LOST), Map.of(), false);
    private static final java.util.regex.Pattern SUBDIVISION_CODE = java.util.regex.Pattern.compile("[a-z]{2}-([a-z0-9]{1,3})",
            java.util.regex.Pattern.CASE_INSENSITIVE);
    /** A camera's words quoted in a refusal (and so in the log): at most this many characters, controls escaped. */
    private static final int QUOTED_CHARS_MAX = 40;

    public PlateMapping {
        kinds = Map.copyOf(kinds);
        Map<String, String> lower = new java.util.HashMap<>();
        regions.forEach((code, jurisdiction) -> lower.put(code.toLowerCase(Locale.ROOT), jurisdiction));
        regions = Map.copyOf(lower);
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
                double value = number(node, "confidence at " + confidencePointer);
                double pct = value * 100 / confidenceScale;
                if (!(pct >= 0 && pct <= 100.000_1)) {
                    throw new IllegalArgumentException("confidence at " + confidencePointer + " is " + quoted(node.asText()) + ", outside 0.."
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
                        .orElseThrow(() -> new IllegalArgumentException("event kind " + quoted(name) + " at " + kindPointer + " is not one of "
                                + kinds.keySet()));
            }
        }
        return new PlateReport(text.strip().toUpperCase(Locale.ROOT), jurisdiction == null ? "" : jurisdiction(jurisdiction.strip()),
                confidence, kind);
    }

    /** The camera's region as the lists write it (docs/lists.md: ON, not ca-on). */
    private String jurisdiction(String region) {
        String mapped = regions.get(region.toLowerCase(Locale.ROOT));
        if (mapped != null) {
            return mapped.toUpperCase(Locale.ROOT);
        }
        java.util.regex.Matcher code = SUBDIVISION_CODE.matcher(region);
        if (subdivisionCodes && code.matches()) {
            return code.group(1).toUpperCase(Locale.ROOT);
        }
        return region.toUpperCase(Locale.ROOT);
    }

    /** A number, or a string holding one ("87"): cameras send both. */
    private static double number(JsonNode node, String what) {
        if (node.isNumber()) {
            return node.asDouble();
        }
        if (node.isTextual()) {
            try {
                return Double.parseDouble(node.asText().strip());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(what + " is " + quoted(node.asText()) + ", not a number");
            }
        }
        throw new IllegalArgumentException(what + " is not a number");
    }

    private static String text(JsonNode document, String pointer, String what) {
        JsonNode node = document.at(pointer);
        if (node.isMissingNode() || node.isNull()) {
            return null;
        }
        if (!node.isTextual()) {
            throw new IllegalArgumentException(what + " at " + pointer + " is not a string");
        }
        String text = node.asText();
        for (int i = 0; i < text.length(); i++) {
            if (Character.isISOControl(text.charAt(i))) {
                // A NUL, newline or ESC in a plate is no plate, and must not split or colour a log line.
                throw new IllegalArgumentException(what + " at " + pointer + " has a control character: " + quoted(text));
            }
        }
        return text;
    }

    /** A camera's text fit for a log line: quoted, control characters escaped, cut short. */
    static String quoted(String text) {
        StringBuilder out = new StringBuilder("'");
        for (int i = 0; i < text.length() && i < QUOTED_CHARS_MAX; i++) {
            char c = text.charAt(i);
            out.append(Character.isISOControl(c) ? String.format("\\u%04X", (int) c) : String.valueOf(c));
        }
        return out.append(text.length() > QUOTED_CHARS_MAX ? "…'" : "'").toString();
    }
}
