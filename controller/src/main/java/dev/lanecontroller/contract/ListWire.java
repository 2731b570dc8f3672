package dev.lanecontroller.contract;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lanecontroller.contract.SignedEnvelope.Rejected;
import dev.lanecontroller.core.ListInfo;
import dev.lanecontroller.store.CardRecord;
import dev.lanecontroller.store.ListFileReader;
import dev.lanecontroller.store.ListFormatException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Clearance lists on the wire (docs/mqtt-contract.md): a signed manifest naming every chunk's
 * SHA-256, unsigned chunks of entries, and signed deltas. Both sides use this class: the lane to
 * read, central's tool (and the tests) to write.
 */
public final class ListWire {
    public static final String MANIFEST_SCHEMA = "clearance-manifest/1";
    public static final String CHUNK_SCHEMA = "clearance-chunk/1";
    public static final String DELTA_SCHEMA = "clearance-delta/1";
    public static final int MANIFEST_BYTES_MAX = 1024 * 1024;
    public static final int CHUNK_BYTES_MAX = 8 * 1024 * 1024;
    public static final int DELTA_BYTES_MAX = 8 * 1024 * 1024;
    public static final int CHUNKS_MAX = 10_000;
    public static final int ENTRIES_PER_CHUNK_MAX = 100_000;
    public static final long ENTRIES_MAX = 50_000_000L;
    /** What central's tool puts in one chunk by default: about 1 MB of JSON. */
    public static final int ENTRIES_PER_CHUNK_DEFAULT = 10_000;
    private static final ObjectMapper JSON = Json.MAPPER;

    private ListWire() {}

    public record Manifest(String program, long version, long issuedWallMs, long expiresWallMs, long entryCount,
                           List<String> chunkDigests, String listDigest) {}

    public record Chunk(String program, long version, int index, List<CardRecord> entries) {}

    public record Delta(String program, long fromVersion, long toVersion, long issuedWallMs, long expiresWallMs,
                        List<CardRecord> upserts, List<String> removes) {}

    // ---- reading (the lane) ----

    public static Manifest manifest(JsonNode node) throws Rejected {
        require(node, MANIFEST_SCHEMA);
        String program = program(node);
        long version = positive(node, "version");
        long entryCount = node.path("entryCount").canConvertToExactIntegral() ? node.get("entryCount").asLong() : -1;
        if (entryCount < 0 || entryCount > ENTRIES_MAX) {
            throw new Rejected("MALFORMED", "entryCount must be 0.." + ENTRIES_MAX);
        }
        JsonNode digests = node.path("chunkDigests");
        if (!digests.isArray() || digests.size() > CHUNKS_MAX || (digests.isEmpty() && entryCount > 0)) {
            throw new Rejected("MALFORMED", "chunkDigests must list 1.." + CHUNKS_MAX + " SHA-256 digests (hex)");
        }
        List<String> chunkDigests = new ArrayList<>();
        for (JsonNode digest : digests) {
            if (!digest.isTextual() || !digest.asText().matches("[0-9a-f]{64}")) {
                throw new Rejected("MALFORMED", "chunkDigests[" + chunkDigests.size() + "] is not a lower-case hex SHA-256");
            }
            chunkDigests.add(digest.asText());
        }
        String listDigest = node.path("listDigest").asText();
        if (!listDigest.equals(listDigest(chunkDigests))) {
            throw new Rejected("DIGEST_MISMATCH", "listDigest is not the SHA-256 of the chunk digests");
        }
        return new Manifest(program, version, instant(node, "issuedAt"), expiry(node), entryCount, List.copyOf(chunkDigests), listDigest);
    }

    /**
     * Reads a chunk with a streaming parser, straight into card records: a 3,000,000-card snapshot
     * is 300 of these, and building a JSON tree for each would double the time it takes.
     */
    public static Chunk chunk(byte[] payload) throws Rejected {
        String schema = null;
        String program = null;
        long version = -1;
        long index = -1;
        List<CardRecord> records = null;
        try (JsonParser parser = JSON.getFactory().createParser(payload)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new Rejected("MALFORMED", "a chunk is a JSON object");
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                switch (field) {
                    case "schema" -> schema = parser.getValueAsString();
                    case "program" -> program = parser.getValueAsString();
                    case "version" -> version = value == JsonToken.VALUE_NUMBER_INT ? parser.getLongValue() : -1;
                    case "index" -> index = value == JsonToken.VALUE_NUMBER_INT ? parser.getLongValue() : -1;
                    case "entries" -> records = entries(parser);
                    default -> throw new Rejected("MALFORMED", "unknown chunk field '" + field + "'");
                }
            }
            if (parser.currentToken() != JsonToken.END_OBJECT || parser.nextToken() != null) {
                throw new Rejected("MALFORMED", "a chunk is one JSON object");
            }
        } catch (IOException e) {
            throw new Rejected("MALFORMED", "chunk is not JSON"); // the parser's own words are its internals, over several lines
        } catch (ListFormatException e) {
            throw new Rejected("MALFORMED", "entries: " + e.getMessage());
        }
        if (!CHUNK_SCHEMA.equals(schema)) {
            throw new Rejected("MALFORMED", "schema must be '" + CHUNK_SCHEMA + "'");
        }
        if (program == null || !program.matches("[A-Z][A-Z0-9_]{0,15}")) {
            throw new Rejected("MALFORMED", "program must be 1-16 upper-case letters, digits or _");
        }
        if (version < 1) {
            throw new Rejected("MALFORMED", "version must be a whole number from 1");
        }
        if (index < 0 || index >= CHUNKS_MAX) {
            throw new Rejected("MALFORMED", "index must be 0.." + (CHUNKS_MAX - 1));
        }
        if (records == null) {
            throw new Rejected("MALFORMED", "entries must be an array of at most " + ENTRIES_PER_CHUNK_MAX + " entries");
        }
        return new Chunk(program, version, (int) index, records);
    }

    private static List<CardRecord> entries(JsonParser parser) throws IOException, Rejected {
        if (parser.currentToken() != JsonToken.START_ARRAY) {
            throw new Rejected("MALFORMED", "entries must be an array");
        }
        List<CardRecord> records = new ArrayList<>();
        JsonToken token;
        while ((token = parser.nextToken()) == JsonToken.START_OBJECT) {
            if (records.size() == ENTRIES_PER_CHUNK_MAX) {
                throw new Rejected("MALFORMED", "entries must be an array of at most " + ENTRIES_PER_CHUNK_MAX + " entries");
            }
            records.add(entry(parser, records.size() + 1L));
        }
        if (token != JsonToken.END_ARRAY) {
            throw new Rejected("MALFORMED", "entry " + (records.size() + 1) + " is not a JSON object");
        }
        return records;
    }

    private static CardRecord entry(JsonParser parser, long number) throws IOException {
        String epc = null;
        String status = null;
        String expires = null;
        String tid = null;
        Boolean lookout = null;
        List<String> plates = null;
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String field = parser.currentName();
            JsonToken value = parser.nextToken();
            if (value == JsonToken.VALUE_NULL) {
                continue;
            }
            switch (field) {
                case "epc" -> epc = string(parser, field, number);
                case "status" -> status = string(parser, field, number);
                case "expires" -> expires = string(parser, field, number);
                case "tid" -> tid = string(parser, field, number);
                case "lookout" -> {
                    if (!value.isBoolean()) {
                        throw new ListFormatException(number, "'lookout' must be true or false");
                    }
                    lookout = parser.getBooleanValue();
                }
                case "plates" -> {
                    if (value != JsonToken.START_ARRAY) {
                        throw new ListFormatException(number, "'plates' must be an array of \"JURISDICTION:TEXT\" strings");
                    }
                    plates = new ArrayList<>(2);
                    while (parser.nextToken() == JsonToken.VALUE_STRING) {
                        plates.add(parser.getText());
                    }
                    if (parser.currentToken() != JsonToken.END_ARRAY) {
                        throw new ListFormatException(number, "each plate must be a string \"JURISDICTION:TEXT\"");
                    }
                }
                default -> throw new ListFormatException(number, "unknown field '" + field + "'; fields are epc,status,expires,plates,tid,lookout");
            }
        }
        return ListFileReader.fromFields(number, epc, status, expires, plates, tid, lookout);
    }

    private static String string(JsonParser parser, String field, long number) throws IOException {
        if (parser.currentToken() != JsonToken.VALUE_STRING) {
            throw new ListFormatException(number, "'" + field + "' must be a string");
        }
        return parser.getText();
    }

    public static Delta delta(JsonNode node) throws Rejected {
        require(node, DELTA_SCHEMA);
        String program = program(node);
        long from = positive(node, "fromVersion");
        long to = positive(node, "toVersion");
        if (to != from + 1) {
            throw new Rejected("MALFORMED", "a delta goes from one version to the next: toVersion must be fromVersion + 1");
        }
        List<CardRecord> upserts = entries(node.path("upserts"), "upserts", ENTRIES_PER_CHUNK_MAX);
        JsonNode removesNode = node.path("removes");
        if (!removesNode.isArray() || removesNode.size() > ENTRIES_PER_CHUNK_MAX) {
            throw new Rejected("MALFORMED", "removes must be an array of at most " + ENTRIES_PER_CHUNK_MAX + " card numbers");
        }
        List<String> removes = new ArrayList<>();
        for (JsonNode epc : removesNode) {
            try {
                removes.add(dev.lanecontroller.hal.TagRead.normaliseHex(epc.asText(), dev.lanecontroller.hal.TagRead.EPC_HEX_LENGTH_MAX, "epc"));
            } catch (IllegalArgumentException e) {
                throw new Rejected("MALFORMED", "removes[" + removes.size() + "]: " + e.getMessage());
            }
        }
        return new Delta(program, from, to, instant(node, "issuedAt"), expiry(node), upserts, removes);
    }

    private static List<CardRecord> entries(JsonNode array, String field, int max) throws Rejected {
        if (!array.isArray() || array.size() > max) {
            throw new Rejected("MALFORMED", field + " must be an array of at most " + max + " entries");
        }
        List<CardRecord> records = new ArrayList<>(array.size());
        try {
            for (JsonNode entry : array) {
                records.add(ListFileReader.fromJson(entry, records.size() + 1L));
            }
        } catch (ListFormatException e) {
            throw new Rejected("MALFORMED", field + ": " + e.getMessage());
        }
        return records;
    }

    private static void require(JsonNode node, String schema) throws Rejected {
        if (node == null || !node.isObject() || !schema.equals(node.path("schema").asText())) {
            throw new Rejected("MALFORMED", "schema must be '" + schema + "'");
        }
    }

    private static String program(JsonNode node) throws Rejected {
        String program = node.path("program").asText();
        if (!program.matches("[A-Z][A-Z0-9_]{0,15}")) {
            throw new Rejected("MALFORMED", "program must be 1-16 upper-case letters, digits or _");
        }
        return program;
    }

    private static long positive(JsonNode node, String field) throws Rejected {
        JsonNode value = node.path(field);
        if (!value.canConvertToExactIntegral() || value.asLong() < 1) {
            throw new Rejected("MALFORMED", field + " must be a whole number from 1");
        }
        return value.asLong();
    }

    private static long instant(JsonNode node, String field) throws Rejected {
        try {
            return Instant.parse(node.path(field).asText()).toEpochMilli();
        } catch (DateTimeParseException e) {
            throw new Rejected("MALFORMED", field + " must be an ISO-8601 UTC time such as 2026-11-28T10:00:00Z");
        }
    }

    private static long expiry(JsonNode node) throws Rejected {
        return node.path("expiresAt").isNull() || node.path("expiresAt").isMissingNode() ? ListInfo.NO_EXPIRY : instant(node, "expiresAt");
    }

    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    /** The list's fingerprint: SHA-256 over its chunk digests, one per line, in index order. */
    public static String listDigest(List<String> chunkDigests) {
        return sha256(String.join("\n", chunkDigests).getBytes(StandardCharsets.US_ASCII));
    }

    // ---- writing (central's tool, tests) ----

    public static ObjectNode entry(CardRecord record) {
        ObjectNode entry = JSON.createObjectNode();
        entry.put("epc", record.epcHex());
        entry.put("status", record.status().name());
        if (record.expiresWallMs() != Long.MAX_VALUE) {
            entry.put("expires", Instant.ofEpochMilli(record.expiresWallMs()).toString());
        }
        if (!record.plates().isEmpty()) {
            ArrayNode plates = entry.putArray("plates");
            record.plates().stream().sorted().forEach(plates::add);
        }
        if (record.tidHex() != null) {
            entry.put("tid", record.tidHex());
        }
        if (record.lookout()) {
            entry.put("lookout", true);
        }
        return entry;
    }

    public static byte[] chunkPayload(String program, long version, int index, List<CardRecord> records) {
        ObjectNode chunk = JSON.createObjectNode();
        chunk.put("schema", CHUNK_SCHEMA);
        chunk.put("program", program);
        chunk.put("version", version);
        chunk.put("index", index);
        ArrayNode entries = chunk.putArray("entries");
        records.forEach(record -> entries.add(entry(record)));
        return Json.bytes(chunk);
    }

    public static byte[] manifestPayload(String program, long version, long issuedWallMs, long expiresWallMs, long entryCount,
                                         List<String> chunkDigests) {
        ObjectNode manifest = JSON.createObjectNode();
        manifest.put("schema", MANIFEST_SCHEMA);
        manifest.put("program", program);
        manifest.put("version", version);
        manifest.put("issuedAt", Instant.ofEpochMilli(issuedWallMs).toString());
        putExpiry(manifest, expiresWallMs);
        manifest.put("entryCount", entryCount);
        ArrayNode digests = manifest.putArray("chunkDigests");
        chunkDigests.forEach(digests::add);
        manifest.put("listDigest", listDigest(chunkDigests));
        return Json.bytes(manifest);
    }

    public static byte[] deltaPayload(String program, long fromVersion, long issuedWallMs, long expiresWallMs, List<CardRecord> upserts,
                                      List<String> removes) {
        ObjectNode delta = JSON.createObjectNode();
        delta.put("schema", DELTA_SCHEMA);
        delta.put("program", program);
        delta.put("fromVersion", fromVersion);
        delta.put("toVersion", fromVersion + 1);
        delta.put("issuedAt", Instant.ofEpochMilli(issuedWallMs).toString());
        putExpiry(delta, expiresWallMs);
        ArrayNode upsertArray = delta.putArray("upserts");
        upserts.forEach(record -> upsertArray.add(entry(record)));
        ArrayNode removeArray = delta.putArray("removes");
        removes.forEach(removeArray::add);
        return Json.bytes(delta);
    }

    private static void putExpiry(ObjectNode node, long expiresWallMs) {
        if (expiresWallMs == ListInfo.NO_EXPIRY) {
            node.putNull("expiresAt");
        } else {
            node.put("expiresAt", Instant.ofEpochMilli(expiresWallMs).toString());
        }
    }
}
