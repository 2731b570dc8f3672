package dev.lanecontroller.core;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** Event details in a fixed order, so the same run writes the same bytes. */
public final class Details {
    private Details() {}

    public static Map<String, Object> of(Object... keysAndValues) {
        if (keysAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("keys and values must pair up");
        }
        Map<String, Object> details = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            details.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return Collections.unmodifiableMap(details);
    }
}
