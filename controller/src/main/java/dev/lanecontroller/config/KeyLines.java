package dev.lanecontroller.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Where each key of a config file stands, so a problem named by its key ("hardware.gpio.loops.SAFETY:
 * ...") also names its line. Problems about a key that is missing name the line of the nearest key
 * above it that is there.
 */
final class KeyLines {
    private static final YAMLFactory FACTORY = new YAMLFactory();
    private final Map<String, Integer> lines;

    private KeyLines(Map<String, Integer> lines) {
        this.lines = lines;
    }

    /** The keys of a document already known to parse; none when it does not. */
    static KeyLines of(String yaml) {
        Map<String, Integer> lines = new HashMap<>();
        try (JsonParser parser = FACTORY.createParser(yaml)) {
            for (JsonToken token = parser.nextToken(); token != null; token = parser.nextToken()) {
                if (token == JsonToken.FIELD_NAME) {
                    String key = parser.getParsingContext().pathAsPointer().toString().substring(1).replace('/', '.');
                    lines.putIfAbsent(key, parser.currentLocation().getLineNr());
                }
            }
        } catch (IOException e) {
            // What parsed up to here still names its lines; the parse error itself is reported with its line.
        }
        return new KeyLines(lines);
    }

    /** Each problem with " (line N)" after it where its key, or the nearest key above it, is in the file. */
    List<String> annotate(List<String> problems) {
        return problems.stream().map(this::annotate).toList();
    }

    private String annotate(String problem) {
        int colon = problem.indexOf(": ");
        if (colon < 0) {
            return problem;
        }
        String key = problem.substring(0, colon);
        while (!key.isEmpty()) {
            Integer line = lines.get(key);
            if (line != null) {
                return problem + " (line " + line + ")";
            }
            int dot = key.lastIndexOf('.');
            key = dot < 0 ? "" : key.substring(0, dot);
        }
        return problem;
    }
}
