package dev.lanecontroller.tools.central;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeSet;

/**
 * What a consumer written from docs/mqtt-contract.md does with a lane's events: dedupe by event id,
 * keep per journal the highest sequence number held without a gap, and tell a gap that is still
 * on its way (above the lane's oldest unsent event) from one that needs a REPLAY.
 */
final class EventTail {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final PrintStream out;
    private final boolean json;
    private final boolean shareOfAGroup;
    private final Map<String, Journal> journals = new HashMap<>();
    private long events;
    private long duplicates;
    private long malformed;

    /** One lane journal's receipt. */
    private static final class Journal {
        final String lane;
        long contiguous;
        final TreeSet<Long> ahead = new TreeSet<>();
        long oldestUnsent;

        Journal(String lane) {
            this.lane = lane;
        }

        /** Sequence numbers below this that have not arrived. */
        long missing() {
            return ahead.isEmpty() ? 0 : ahead.last() - contiguous - ahead.size();
        }
    }

    /** {@code shareOfAGroup}: this tail sees only its share of the events, so a gap is not a loss and is not reported. */
    EventTail(PrintStream out, boolean json, boolean shareOfAGroup) {
        this.out = out;
        this.json = json;
        this.shareOfAGroup = shareOfAGroup;
    }

    synchronized void accept(String topic, byte[] payload) {
        JsonNode message;
        try {
            message = JSON.readTree(payload);
        } catch (IOException e) {
            malformed++;
            out.println("! not JSON on " + topic);
            return;
        }
        if (message == null || !message.isObject()) {
            return; // an empty retained message: a status cleared
        }
        String lane = message.path("site").asText() + "/" + message.path("lane").asText();
        if (topic.endsWith("/status")) {
            status(lane, message);
        } else if (topic.endsWith("/events")) {
            event(lane, message, payload);
        }
    }

    private void status(String lane, JsonNode status) {
        Journal journal = journals.computeIfAbsent(status.path("journalId").asText(), id -> new Journal(lane));
        journal.oldestUnsent = status.path("journal").path("oldestUnsentSeq").asLong();
        out.println("= " + lane + " " + status.path("state").asText() + (status.has("mode") ? " " + status.get("mode").asText() : "")
                + (status.has("reason") ? " (" + status.get("reason").asText() + ")" : "")
                + (status.has("journal") ? ", backlog " + status.get("journal").get("unsent").asLong() : ""));
        reportGaps(journal);
    }

    private void event(String lane, JsonNode event, byte[] payload) {
        Journal journal = journals.computeIfAbsent(event.path("journalId").asText(), id -> new Journal(lane));
        long seq = event.path("seq").asLong();
        if (seq <= journal.contiguous || journal.ahead.contains(seq)) {
            duplicates++;
            return;
        }
        events++;
        journal.ahead.add(seq);
        while (!journal.ahead.isEmpty() && journal.ahead.first() == journal.contiguous + 1) {
            journal.contiguous = journal.ahead.pollFirst();
        }
        if (json) {
            out.println(new String(payload, StandardCharsets.UTF_8));
        } else {
            out.println(event.path("at").asText() + " " + lane + " #" + seq + " " + event.path("type").asText()
                    + (event.path("delivery").asText().equals("live") ? "" : " (" + event.path("delivery").asText() + ")")
                    + " " + event.path("details"));
        }
    }

    private void reportGaps(Journal journal) {
        if (shareOfAGroup || journal.missing() == 0) {
            return;
        }
        long firstMissing = journal.contiguous + 1;
        boolean stillComing = journal.oldestUnsent != 0 && journal.oldestUnsent <= firstMissing;
        out.println("! " + journal.lane + ": " + journal.missing() + " events missing from #" + firstMissing
                + (stillComing ? " (still in the lane's backlog)" : " (not in the lane's backlog: send a REPLAY " + firstMissing + ".."
                + (journal.ahead.first() - 1) + ")"));
    }

    synchronized String summary() {
        if (shareOfAGroup) {
            return events + " events (this member's share of its group), " + duplicates + " duplicates dropped, " + malformed + " malformed";
        }
        long missing = journals.values().stream().mapToLong(Journal::missing).sum();
        return events + " events, " + duplicates + " duplicates dropped, " + missing + " missing, " + malformed + " malformed";
    }
}
