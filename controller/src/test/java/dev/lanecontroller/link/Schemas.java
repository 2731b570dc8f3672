package dev.lanecontroller.link;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The contract's JSON Schemas (docs/schemas), read from the repository, never from the network. */
final class Schemas {
    static final String BASE = "https://lanecontroller.dev/schemas/";
    static final Path DIR = Path.of("..", "docs", "schemas").toAbsolutePath().normalize();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonSchemaFactory FACTORY = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012,
            builder -> builder.schemaMappers(mappers -> mappers.mapPrefix(BASE, DIR.toUri().toString())));
    private static final SchemaValidatorsConfig CONFIG = SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build();
    private static final Map<String, JsonSchema> CACHE = new ConcurrentHashMap<>();

    private Schemas() {}

    /** "lane-event/1" is checked against lane-event.schema.json; "signed/1" against the envelope, then its payload too. */
    static List<String> violations(JsonNode message) {
        String schema = message.path("schema").asText();
        if (schema.isEmpty() || !schema.endsWith("/1")) {
            return List.of("no schema field: " + message);
        }
        String name = schema.equals("signed/1") ? "signed-envelope" : schema.substring(0, schema.length() - 2);
        List<String> problems = new ArrayList<>();
        for (ValidationMessage problem : schema(name).validate(message)) {
            problems.add(name + ": " + problem.getMessage());
        }
        if (schema.equals("signed/1") && problems.isEmpty()) {
            try {
                problems.addAll(violations(JSON.readTree(Base64.getDecoder().decode(message.get("payload").asText()))));
            } catch (IOException | IllegalArgumentException e) {
                problems.add("signed payload is not JSON: " + e.getMessage());
            }
        }
        return problems;
    }

    static List<String> violations(byte[] message) {
        try {
            return violations(JSON.readTree(message));
        } catch (IOException e) {
            return List.of("not JSON: " + e.getMessage());
        }
    }

    private static JsonSchema schema(String name) {
        return CACHE.computeIfAbsent(name, n -> FACTORY.getSchema(SchemaLocation.of(BASE + n + ".schema.json"), CONFIG));
    }
}
