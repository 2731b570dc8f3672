package dev.lanecontroller.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lanecontroller.core.CardStatus;
import dev.lanecontroller.core.Plates;
import dev.lanecontroller.hal.TagRead;
import java.io.BufferedReader;
import java.io.IOException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Reads a clearance list file, CSV (with a header line) or JSON lines, one card per line, and
 * checks every field. The format is documented in docs/lists.md.
 */
public final class ListFileReader {
    /** A line longer than this is not a card record (8 plates and a TID fit in a quarter of it). */
    public static final int LINE_LENGTH_MAX = 4096;
    public static final int PLATES_PER_CARD_MAX = 8;
    static final List<String> CSV_COLUMNS = List.of("epc", "status", "expires", "plates", "tid", "lookout");
    private static final ObjectMapper JSON = new ObjectMapper();

    public enum Format { CSV, JSONL }

    private ListFileReader() {}

    /** The format from the file name: .csv, or .jsonl / .ndjson / .json. */
    public static Format formatOf(String fileName) {
        String lower = fileName.toLowerCase(Locale.ROOT);
        if (lower.endsWith(".csv")) {
            return Format.CSV;
        }
        if (lower.endsWith(".jsonl") || lower.endsWith(".ndjson") || lower.endsWith(".json")) {
            return Format.JSONL;
        }
        throw new IllegalArgumentException("cannot tell the list format of " + fileName + ": name it .csv or .jsonl");
    }

    /** Reads every record, handing each to {@code sink}; the first bad record stops the read with its line. */
    public static long read(BufferedReader in, Format format, Consumer<CardRecord> sink) throws IOException {
        long lineNumber = 0;
        long records = 0;
        int[] columnIndex = null;
        String line;
        while ((line = in.readLine()) != null) {
            lineNumber++;
            if (line.length() > LINE_LENGTH_MAX) {
                throw new ListFormatException(lineNumber, "longer than " + LINE_LENGTH_MAX + " characters");
            }
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            if (format == Format.CSV && columnIndex == null) {
                columnIndex = csvHeader(line, lineNumber);
                continue;
            }
            sink.accept(format == Format.CSV ? csvRecord(line, columnIndex, lineNumber) : jsonRecord(line, lineNumber));
            records++;
        }
        if (format == Format.CSV && columnIndex == null) {
            throw new ListFormatException(lineNumber, "no header line: expected columns " + String.join(",", CSV_COLUMNS));
        }
        return records;
    }

    private static int[] csvHeader(String line, long lineNumber) {
        String[] names = line.split(",", -1);
        int[] index = new int[CSV_COLUMNS.size()];
        Arrays.fill(index, -1);
        for (int i = 0; i < names.length; i++) {
            int column = CSV_COLUMNS.indexOf(names[i].strip().toLowerCase(Locale.ROOT));
            if (column < 0) {
                throw new ListFormatException(lineNumber, "unknown column '" + names[i].strip() + "'; columns are "
                        + String.join(",", CSV_COLUMNS));
            }
            if (index[column] >= 0) {
                throw new ListFormatException(lineNumber, "column '" + CSV_COLUMNS.get(column) + "' appears twice");
            }
            index[column] = i;
        }
        if (index[0] < 0) {
            throw new ListFormatException(lineNumber, "the header has no 'epc' column");
        }
        return index;
    }

    private static CardRecord csvRecord(String line, int[] columnIndex, long lineNumber) {
        if (line.indexOf('"') >= 0) {
            throw new ListFormatException(lineNumber, "quotes are not used in list files; no field needs them");
        }
        String[] fields = line.split(",", -1);
        int expected = (int) Arrays.stream(columnIndex).filter(i -> i >= 0).count();
        if (fields.length != expected) {
            throw new ListFormatException(lineNumber, expected + " fields expected, found " + fields.length);
        }
        String[] value = new String[CSV_COLUMNS.size()];
        for (int column = 0; column < value.length; column++) {
            value[column] = columnIndex[column] < 0 ? "" : fields[columnIndex[column]].strip();
        }
        Set<String> plates = new LinkedHashSet<>();
        if (!value[3].isEmpty()) {
            for (String plate : value[3].split("\\|")) {
                plates.add(plateKey(plate, lineNumber));
            }
        }
        return build(lineNumber, value[0], value[1], value[2], plates, value[4], value[5]);
    }

    private static CardRecord jsonRecord(String line, long lineNumber) {
        JsonNode node;
        try {
            node = JSON.readTree(line);
        } catch (JsonProcessingException e) {
            throw new ListFormatException(lineNumber, "not valid JSON: " + e.getOriginalMessage());
        }
        return fromJson(node, lineNumber);
    }

    /** A card from a JSON object (a JSON-lines record, or an entry of a scenario file). */
    public static CardRecord fromJson(JsonNode node, long lineNumber) {
        if (node == null || !node.isObject()) {
            throw new ListFormatException(lineNumber, "a card record must be a JSON object");
        }
        Iterator<String> names = node.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            if (!CSV_COLUMNS.contains(name)) {
                throw new ListFormatException(lineNumber, "unknown field '" + name + "'; fields are " + String.join(",", CSV_COLUMNS));
            }
        }
        Set<String> plates = new LinkedHashSet<>();
        JsonNode platesNode = node.path("plates");
        if (!platesNode.isMissingNode() && !platesNode.isNull()) {
            if (!platesNode.isArray()) {
                throw new ListFormatException(lineNumber, "'plates' must be an array of \"JURISDICTION:TEXT\" strings");
            }
            for (JsonNode plate : platesNode) {
                if (!plate.isTextual()) {
                    throw new ListFormatException(lineNumber, "each plate must be a string \"JURISDICTION:TEXT\"");
                }
                plates.add(plateKey(plate.asText(), lineNumber));
            }
        }
        JsonNode lookout = node.path("lookout");
        if (!lookout.isMissingNode() && !lookout.isNull() && !lookout.isBoolean()) {
            throw new ListFormatException(lineNumber, "'lookout' must be true or false");
        }
        return build(lineNumber, text(node, "epc", lineNumber), text(node, "status", lineNumber),
                text(node, "expires", lineNumber), plates, text(node, "tid", lineNumber), lookout.isBoolean() ? String.valueOf(lookout.asBoolean()) : "");
    }

    /**
     * A card from the fields of one entry as a streaming parser read them (central's list chunks):
     * the same checks as {@link #fromJson}. Absent fields are null.
     */
    public static CardRecord fromFields(long lineNumber, String epc, String status, String expires, List<String> rawPlates, String tid,
                                        Boolean lookout) {
        Set<String> plates = new LinkedHashSet<>();
        if (rawPlates != null) {
            for (String plate : rawPlates) {
                plates.add(plateKey(plate, lineNumber));
            }
        }
        return build(lineNumber, strip(epc), strip(status), strip(expires), plates, strip(tid), lookout == null ? "" : lookout.toString());
    }

    private static String strip(String value) {
        return value == null ? "" : value.strip();
    }

    private static String text(JsonNode node, String field, long lineNumber) {
        JsonNode value = node.path(field);
        if (value.isMissingNode() || value.isNull()) {
            return "";
        }
        if (!value.isTextual()) {
            throw new ListFormatException(lineNumber, "'" + field + "' must be a string");
        }
        return value.asText().strip();
    }

    private static CardRecord build(long lineNumber, String epc, String status, String expires, Set<String> plates, String tid,
                                    String lookout) {
        if (epc.isEmpty()) {
            throw new ListFormatException(lineNumber, "'epc' is missing");
        }
        String epcHex;
        String tidHex;
        try {
            epcHex = TagRead.normaliseHex(epc, TagRead.EPC_HEX_LENGTH_MAX, "epc");
            tidHex = tid.isEmpty() ? null : TagRead.normaliseHex(tid, TagRead.TID_HEX_LENGTH_MAX, "tid");
        } catch (IllegalArgumentException e) {
            throw new ListFormatException(lineNumber, e.getMessage());
        }
        if (plates.size() > PLATES_PER_CARD_MAX) {
            throw new ListFormatException(lineNumber, "more than " + PLATES_PER_CARD_MAX + " plates");
        }
        return new CardRecord(epcHex, status(status, lineNumber), expiry(expires, lineNumber), plates, tidHex,
                flag(lookout, lineNumber));
    }

    private static final Map<String, CardStatus> STATUSES = new HashMap<>();

    static {
        for (CardStatus status : CardStatus.values()) {
            STATUSES.put(status.name(), status);
        }
    }

    private static CardStatus status(String raw, long lineNumber) {
        if (raw.isEmpty()) {
            return CardStatus.ACTIVE;
        }
        CardStatus status = STATUSES.get(raw.toUpperCase(Locale.ROOT));
        if (status == null) {
            throw new ListFormatException(lineNumber, "'status' is '" + raw + "'; allowed: ACTIVE, SUSPENDED, REVOKED");
        }
        return status;
    }

    /** An instant (2027-05-01T00:00:00Z), or a date meaning valid through that day (UTC). Empty: no expiry. */
    static long expiry(String raw, long lineNumber) {
        if (raw.isEmpty()) {
            return Long.MAX_VALUE;
        }
        try {
            if (raw.length() == 10) {
                return LocalDate.parse(raw).plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
            }
            return Instant.parse(raw).toEpochMilli();
        } catch (DateTimeParseException e) {
            throw new ListFormatException(lineNumber, "'expires' is '" + raw + "'; use 2027-05-01 or 2027-05-01T00:00:00Z");
        }
    }

    private static boolean flag(String raw, long lineNumber) {
        return switch (raw.toLowerCase(Locale.ROOT)) {
            case "", "false", "0", "no" -> false;
            case "true", "1", "yes" -> true;
            default -> throw new ListFormatException(lineNumber, "'lookout' is '" + raw + "'; use true or false");
        };
    }

    private static String plateKey(String raw, long lineNumber) {
        int colon = raw.indexOf(':');
        if (colon <= 0 || colon == raw.length() - 1) {
            throw new ListFormatException(lineNumber, "plate '" + raw + "' must be JURISDICTION:TEXT, e.g. ON:ABC123");
        }
        String key = Plates.key(raw.substring(0, colon), raw.substring(colon + 1));
        if (key == null || key.length() > 32) {
            throw new ListFormatException(lineNumber, "plate '" + raw + "' is empty or too long");
        }
        return key;
    }

    /** Splits a stored plates column back into keys. */
    static Set<String> platesFromColumn(String column) {
        if (column == null || column.isEmpty()) {
            return Set.of();
        }
        return new HashSet<>(Arrays.asList(column.split("\\|")));
    }
}
