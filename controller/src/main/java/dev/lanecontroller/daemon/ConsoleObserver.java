package dev.lanecontroller.daemon;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lanecontroller.core.Now;
import dev.lanecontroller.hal.GateDirection;
import dev.lanecontroller.hal.SignalAspect;
import dev.lanecontroller.shell.LaneObserver;
import dev.lanecontroller.store.JournalEntry;
import java.io.PrintStream;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** One readable line per event and per output change, for a person watching the daemon. */
public final class ConsoleObserver implements LaneObserver {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS").withZone(ZoneOffset.UTC);
    private final PrintStream out;

    public ConsoleObserver(PrintStream out) {
        this.out = out;
    }

    @Override
    public void onEvent(JournalEntry entry) {
        String summary;
        try {
            JsonNode d = JSON.readTree(entry.payloadJson());
            summary = switch (entry.type()) {
                case "DECISION" -> "txn " + d.get("transactionId") + " " + d.get("outcome").asText() + "  cards=" + d.get("cards").size()
                        + " plate=" + (d.get("plate").isNull() ? "-" : d.get("plate").asText())
                        + (d.get("reasons").size() > 1 ? " also " + d.get("reasons") : "");
                default -> d.toString();
            };
        } catch (JsonProcessingException e) {
            summary = entry.payloadJson();
        }
        out.println(TIME.format(Instant.ofEpochMilli(entry.wallMs())) + "  #" + entry.seq() + " " + entry.type() + "  " + summary);
    }

    @Override
    public void onSignal(SignalAspect aspect, Now at) {
        out.println(TIME.format(Instant.ofEpochMilli(at.wallMs())) + "      signal " + aspect);
    }

    @Override
    public void onGate(GateDirection direction, Now at) {
        out.println(TIME.format(Instant.ofEpochMilli(at.wallMs())) + "      gate " + direction);
    }
}
