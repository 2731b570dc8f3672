package dev.lanecontroller.contract;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.lanecontroller.core.EventType;
import dev.lanecontroller.store.JournalEntry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;

/** A journal entry as it goes to central: schema docs/schemas/lane-event.schema.json. */
public final class EventWire {
    public static final String SCHEMA = "lane-event/1";
    private static final JsonFactory JSON = new JsonFactory();

    /** Why the event is being sent: first time after it happened, catching up after an outage, or on central's request. */
    public enum Delivery { LIVE, BACKLOG, REPLAY }

    private final String site;
    private final String lane;
    private final String journalId;

    public EventWire(String site, String lane, String journalId) {
        this.site = site;
        this.lane = lane;
        this.journalId = journalId;
    }

    public static boolean isAlert(String type) {
        try {
            return EventType.valueOf(type).isAlert();
        } catch (IllegalArgumentException unknown) {
            return false;
        }
    }

    public byte[] encode(JournalEntry entry, Delivery delivery) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(512 + entry.payloadJson().length());
        try (JsonGenerator json = JSON.createGenerator(out)) {
            json.writeStartObject();
            json.writeStringField("schema", SCHEMA);
            json.writeStringField("site", site);
            json.writeStringField("lane", lane);
            json.writeStringField("journalId", journalId);
            json.writeNumberField("seq", entry.seq());
            json.writeStringField("eventId", journalId + ":" + entry.seq());
            json.writeStringField("type", entry.type());
            json.writeBooleanField("alert", isAlert(entry.type()));
            json.writeStringField("at", Instant.ofEpochMilli(entry.wallMs()).toString());
            json.writeNumberField("wallMs", entry.wallMs());
            json.writeBooleanField("clockSynced", entry.clockSynced());
            json.writeStringField("bootId", entry.bootId());
            json.writeNumberField("monoMs", entry.monoMs());
            json.writeStringField("delivery", delivery.name().toLowerCase(java.util.Locale.ROOT));
            json.writeFieldName("details");
            json.writeRawValue(entry.payloadJson());
            json.writeStringField("prevHash", entry.prevHash());
            json.writeStringField("hash", entry.hash());
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory cannot fail", e);
        }
        return out.toByteArray();
    }
}
