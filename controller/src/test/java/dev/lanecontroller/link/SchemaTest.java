package dev.lanecontroller.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lanecontroller.contract.CommandWire;
import dev.lanecontroller.contract.EventWire;
import dev.lanecontroller.contract.EventWire.Delivery;
import dev.lanecontroller.contract.LaneView;
import dev.lanecontroller.contract.ListWire;
import dev.lanecontroller.contract.ReplyWire;
import dev.lanecontroller.contract.ReplyWire.Result;
import dev.lanecontroller.contract.RequestWire;
import dev.lanecontroller.contract.SignedEnvelope;
import dev.lanecontroller.contract.StatusWire;
import dev.lanecontroller.core.EventType;
import dev.lanecontroller.core.LaneMode;
import dev.lanecontroller.core.ListInfo;
import dev.lanecontroller.core.Now;
import dev.lanecontroller.pki.Ed25519Keys;
import dev.lanecontroller.sim.DemoList;
import dev.lanecontroller.store.EventDraft;
import dev.lanecontroller.store.JournalEntry;
import dev.lanecontroller.store.MemoryJournal;
import java.security.KeyPair;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every kind of payload either side of the contract writes, checked against docs/schemas. (The
 * broker tests check every message their consumer receives as well.)
 */
class SchemaTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void everyEventTypeAndDeliveryFitsTheEventSchema() {
        MemoryJournal journal = new MemoryJournal("boot-schema");
        List<EventDraft> drafts = new ArrayList<>();
        for (EventType type : EventType.values()) {
            drafts.add(new EventDraft(type.name(), Map.of("n", 1, "why", "test"), new Now(5, 1_795_000_000_000L, type.ordinal() % 2 == 0)));
        }
        EventWire wire = new EventWire("site-1", "lane-01", journal.journalId());
        for (JournalEntry entry : journal.append(drafts)) {
            for (Delivery delivery : Delivery.values()) {
                assertValid(wire.encode(entry, delivery));
            }
        }
    }

    @Test
    void statusRepliesAndRequestsFitTheirSchemas() {
        StatusWire status = new StatusWire("site-1", "lane-01", "boot", "123e4567-e89b-12d3-a456-426614174000", "0.1.0", 30_000);
        assertValid(status.online(new LaneView(LaneMode.AUTOMATED.name(), List.of(new ListInfo("NEXUS", 3, 1_795_000_000_000L,
                ListInfo.NO_EXPIRY, 10), new ListInfo("FAST", 1, 1_795_000_000_000L, 1_796_000_000_000L, 5)), true), 42, 7, 36,
                1_795_000_000_000L, 1_795_000_000_000L));
        assertValid(status.offline("connection lost", 1_795_000_000_000L));
        assertValid(status.offline("stopped", 1_795_000_000_000L));
        ReplyWire replies = new ReplyWire("site-1", "lane-01");
        for (Result result : Result.values()) {
            assertValid(replies.encode("c-12345678", "SET_MODE", result, "OK", "why", 12L, 1_795_000_000_000L, null));
        }
        assertValid(replies.encode(null, null, Result.REJECTED, "MALFORMED", "not JSON", null, 1_795_000_000_000L, null));
        byte[] replay = replies.encode("c-12345678", "REPLAY", Result.ACCEPTED, "OK", "why", 13L, 1_795_000_000_000L, new ReplyWire.Range(1, 9));
        assertValid(replay);
        assertEquals("{\"schema\":\"lane-reply/1\",\"site\":\"site-1\",\"lane\":\"lane-01\",\"commandId\":\"c-12345678\",\"type\":\"REPLAY\","
                + "\"result\":\"accepted\",\"code\":\"OK\",\"why\":\"why\",\"eventSeq\":13,\"at\":\"" + java.time.Instant.ofEpochMilli(1_795_000_000_000L)
                + "\",\"fromSeq\":1,\"toSeq\":9}", new String(replay, java.nio.charset.StandardCharsets.UTF_8), "central reads these bytes");
        assertValid(RequestWire.snapshot("site-1", "lane-01", "NEXUS", 4L, "gap", 1_795_000_000_000L));
        assertValid(RequestWire.snapshot("site-1", "lane-01", "NEXUS", null, "none yet", 1_795_000_000_000L));
    }

    @Test
    void centralsCommandsAndListsFitTheirSchemas() {
        KeyPair key = Ed25519Keys.generate();
        Instant now = Instant.parse("2026-11-28T10:00:00Z");
        assertValid(CommandWire.sealed("c-12345678", "site-1", "lane-01", "SET_MODE", now, "officer-1", Map.of("mode", "CLOSED"), "k", key.getPrivate()));
        assertValid(CommandWire.sealed("c-12345679", "site-1", "lane-01", "REPLAY", now, "central", Map.of("fromSeq", 1, "toSeq", 5), "k",
                key.getPrivate()));
        var cards = DemoList.cards(600, 1);
        byte[] chunk = ListWire.chunkPayload("NEXUS", 2, 0, cards);
        assertValid(chunk);
        assertValid(SignedEnvelope.seal(ListWire.manifestPayload("NEXUS", 2, now.toEpochMilli(), ListInfo.NO_EXPIRY, 600,
                List.of(ListWire.sha256(chunk))), "k", key.getPrivate()));
        assertValid(SignedEnvelope.seal(ListWire.deltaPayload("NEXUS", 2, now.toEpochMilli(), now.toEpochMilli() + 1, cards.subList(0, 3),
                List.of(cards.get(5).epcHex())), "k", key.getPrivate()));
    }

    @Test
    void aPayloadThatBreaksItsSchemaIsCaught() throws Exception {
        ObjectNode event = (ObjectNode) JSON.readTree(new EventWire("site-1", "lane-01", "123e4567-e89b-12d3-a456-426614174000")
                .encode(new MemoryJournal("b").append(List.of(new EventDraft("PASSAGE", Map.of(), new Now(1, 2, true)))).get(0),
                        Delivery.LIVE));
        event.put("delivery", "sometime");
        assertFalse(Schemas.violations(event).isEmpty(), "the validator catches a bad value");
        event.put("delivery", "live");
        event.remove("hash");
        assertFalse(Schemas.violations(event).isEmpty(), "the validator catches a missing field");
    }

    private static void assertValid(byte[] payload) {
        assertEquals(List.of(), Schemas.violations(payload), new String(payload, java.nio.charset.StandardCharsets.UTF_8));
    }
}
