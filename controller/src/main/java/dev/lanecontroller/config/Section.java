package dev.lanecontroller.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One mapping of a config or scenario file, read key by key. Every read names its full key in a problem and
 * falls back to the default, so one pass reports every problem; keys nobody read are reported too
 * (a misspelt key must not silently mean "default").
 */
public final class Section {
    private final String path;
    private final JsonNode node;
    private final List<String> problems;
    private final Set<String> known = new LinkedHashSet<>();

    public Section(String path, JsonNode node, List<String> problems) {
        this.path = path;
        this.problems = problems;
        if (node != null && !node.isMissingNode() && !node.isNull() && !node.isObject()) {
            problems.add(path + ": must be a mapping of keys");
            node = null;
        }
        this.node = node == null || node.isMissingNode() || node.isNull() ? null : node;
    }

    public Section section(String key) {
        return new Section(name(key), value(key), problems);
    }

    /** Notes a problem when {@code key} is missing: what a device must say itself, never take from a default. */
    public void require(String key, String allowedText) {
        if (value(key) == null) {
            problems.add(name(key) + ": required (" + allowedText + ")");
        }
    }

    public boolean has(String key) {
        known.add(key);
        return node != null && node.has(key) && !node.get(key).isNull();
    }

    public String text(String key, String fallback, Pattern allowed, String allowedText) {
        JsonNode value = value(key);
        if (value == null) {
            return fallback;
        }
        if (!value.isTextual() || !allowed.matcher(value.asText()).matches()) {
            problems.add(name(key) + ": '" + value.asText() + "' is not allowed; allowed: " + allowedText);
            return fallback;
        }
        return value.asText();
    }

    public boolean bool(String key, boolean fallback) {
        JsonNode value = value(key);
        if (value == null) {
            return fallback;
        }
        if (!value.isBoolean()) {
            problems.add(name(key) + ": '" + value.asText() + "' is not allowed; allowed: true, false");
            return fallback;
        }
        return value.asBoolean();
    }

    public long integer(String key, long fallback, long min, long max) {
        JsonNode value = value(key);
        if (value == null) {
            return fallback;
        }
        if (!value.isIntegralNumber() || value.asLong() < min || value.asLong() > max) {
            problems.add(name(key) + ": '" + value.asText() + "' is not allowed; allowed: a whole number from " + min + " to " + max);
            return fallback;
        }
        return value.asLong();
    }

    public double number(String key, double fallback, double min, double max) {
        JsonNode value = value(key);
        if (value == null) {
            return fallback;
        }
        if (!value.isNumber() || value.asDouble() < min || value.asDouble() > max) {
            problems.add(name(key) + ": '" + value.asText() + "' is not allowed; allowed: a number from " + min + " to " + max);
            return fallback;
        }
        return value.asDouble();
    }

    public <E extends Enum<E>> E choice(String key, E fallback, Class<E> type, Set<E> allowed) {
        JsonNode value = value(key);
        if (value == null) {
            return fallback;
        }
        String allowedText = String.join(", ", allowed.stream().map(Enum::name).toList());
        try {
            E parsed = Enum.valueOf(type, value.asText().toUpperCase(Locale.ROOT));
            if (value.isTextual() && allowed.contains(parsed)) {
                return parsed;
            }
        } catch (IllegalArgumentException e) {
            // Reported below with the allowed values.
        }
        problems.add(name(key) + ": '" + value.asText() + "' is not allowed; allowed: " + allowedText);
        return fallback;
    }

    List<String> texts(String key, List<String> fallback, Pattern allowed, String allowedText, int maxItems) {
        JsonNode value = value(key);
        if (value == null) {
            return fallback;
        }
        if (!value.isArray() || value.size() > maxItems) {
            problems.add(name(key) + ": must be a list of at most " + maxItems + " items");
            return fallback;
        }
        List<String> items = new ArrayList<>();
        for (JsonNode item : value) {
            if (!item.isTextual() || !allowed.matcher(item.asText()).matches()) {
                problems.add(name(key) + ": item '" + item.asText() + "' is not allowed; allowed: " + allowedText);
            } else {
                items.add(item.asText());
            }
        }
        return items;
    }

    List<Long> integers(String key, List<Long> fallback, long min, long max, int maxItems) {
        JsonNode value = value(key);
        if (value == null) {
            return fallback;
        }
        if (!value.isArray() || value.size() > maxItems) {
            problems.add(name(key) + ": must be a list of at most " + maxItems + " whole numbers");
            return fallback;
        }
        List<Long> items = new ArrayList<>();
        for (JsonNode item : value) {
            if (!item.isIntegralNumber() || item.asLong() < min || item.asLong() > max) {
                problems.add(name(key) + ": item '" + item.asText() + "' is not allowed; allowed: whole numbers from " + min + " to " + max);
            } else {
                items.add(item.asLong());
            }
        }
        return items;
    }

    /** A mapping of names to texts, e.g. key ids to key files. */
    java.util.Map<String, String> textMap(String key, Pattern keyAllowed, Pattern valueAllowed, String allowedText, int maxItems) {
        JsonNode value = value(key);
        java.util.Map<String, String> items = new java.util.LinkedHashMap<>();
        if (value == null) {
            return items;
        }
        if (!value.isObject() || value.size() > maxItems) {
            problems.add(name(key) + ": must be a mapping of at most " + maxItems + " names to values");
            return items;
        }
        for (java.util.Map.Entry<String, JsonNode> field : value.properties()) {
            if (!keyAllowed.matcher(field.getKey()).matches() || !field.getValue().isTextual()
                    || !valueAllowed.matcher(field.getValue().asText()).matches()) {
                problems.add(name(key) + "." + field.getKey() + ": not allowed; allowed: " + allowedText);
            } else {
                items.put(field.getKey(), field.getValue().asText());
            }
        }
        return items;
    }

    /** The keys this mapping has (for mappings whose keys are names: lamps by aspect, loops by id). */
    public List<String> keys() {
        List<String> keys = new ArrayList<>();
        if (node != null) {
            node.fieldNames().forEachRemaining(keys::add);
        }
        return keys;
    }

    /** Reports every key of this mapping that no read asked for. Call after reading all of them. */
    public void rejectUnknownKeys() {
        if (node == null) {
            return;
        }
        Iterator<String> names = node.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            if (!known.contains(name)) {
                problems.add(name(name) + ": unknown key; keys here are " + String.join(", ", known));
            }
        }
    }

    public void problem(String key, String message) {
        problems.add(name(key) + ": " + message);
    }

    /** The raw value of {@code key} (null when missing or null), for what is read by another reader (a list, a card). */
    public JsonNode raw(String key) {
        return value(key);
    }

    /** The full name of {@code key} in problems: {@code steps[3].vehicle.speedKmh}. */
    public String name(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    private JsonNode value(String key) {
        known.add(key);
        if (node == null || !node.has(key) || node.get(key).isNull()) {
            return null;
        }
        return node.get(key);
    }

    public static <E extends Enum<E>> Set<E> all(Class<E> type) {
        return new LinkedHashSet<>(Arrays.asList(type.getEnumConstants()));
    }
}
