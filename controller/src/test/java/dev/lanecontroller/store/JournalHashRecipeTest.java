package dev.lanecontroller.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * docs/journal.md's recipe and test vector are what the lane computes: the vector is read from the
 * doc itself and hashed with the lane's own code, so a consumer who follows the doc verifies what
 * the lane sends, and the doc cannot drift from the code.
 */
class JournalHashRecipeTest {
    @Test
    void theDocumentedTestVectorIsWhatTheLaneComputes() throws Exception {
        String doc = Files.readString(Path.of("..", "docs", "journal.md"));
        int start = doc.indexOf("```\nprevHash:");
        String block = doc.substring(start + 4, doc.indexOf("```", start + 4));
        List<Map<String, String>> events = new ArrayList<>();
        for (String part : block.strip().split("\n\n")) {
            Map<String, String> fields = new LinkedHashMap<>();
            for (String line : part.split("\n")) {
                int colon = line.indexOf(':');
                fields.put(line.substring(0, colon), line.substring(colon + 1).strip());
            }
            events.add(fields);
        }
        assertEquals(2, events.size(), block);
        String previous = EventChain.GENESIS_HASH;
        for (Map<String, String> e : events) {
            assertEquals(previous, e.get("prevHash"), "each event's prevHash is the hash before it");
            JournalEntry entry = new JournalEntry(Long.parseLong(e.get("seq")), e.get("bootId"), Long.parseLong(e.get("monoMs")),
                    Long.parseLong(e.get("wallMs")), Boolean.parseBoolean(e.get("clockSynced")), e.get("type"), e.get("details"),
                    e.get("prevHash"), e.get("hash"));
            assertEquals(e.get("hash"), EventChain.hashOf(entry), "seq " + e.get("seq"));
            previous = e.get("hash");
        }
    }
}
