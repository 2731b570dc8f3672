package dev.lanecontroller.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lanecontroller.contract.CommandWire;
import dev.lanecontroller.core.Now;
import dev.lanecontroller.pki.Ed25519Keys;
import dev.lanecontroller.store.Database;
import dev.lanecontroller.store.EventDraft;
import dev.lanecontroller.store.JournalEntry;
import dev.lanecontroller.store.MemoryJournal;
import dev.lanecontroller.store.NonceStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A refusal central can match: every refused command is named by its id, type and the actor it
 * claims wherever they can be read (a command signed with a key the lane does not trust included),
 * and its reason is one short line, never a parser's internals.
 */
class CommandRefusalNamingTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private final MemoryJournal journal = new MemoryJournal("refusals");
    private final List<JsonNode> replies = new ArrayList<>();
    private final long now = Instant.parse("2026-11-30T12:00:00Z").toEpochMilli();

    private CommandHandler handler(NonceStore nonces, KeyPair trusted) {
        return new CommandHandler(new CommandHandler.Wiring("site-1", "lane-01", Map.of("ops-2026", trusted.getPublic()), 120_000, nonces,
                event -> journal.append(List.of(EventDraft.of(event, new Now(0, now, true)))).get(0), input -> true, null, program -> { },
                payload -> {
                    try {
                        replies.add(JSON.readTree(payload));
                    } catch (java.io.IOException e) {
                        throw new AssertionError(e);
                    }
                    return true;
                }, () -> now));
    }

    private JsonNode lastRejection() {
        List<JournalEntry> events = journal.read(0, 1_000);
        try {
            return JSON.readTree(events.get(events.size() - 1).payloadJson());
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aCommandSignedWithAStrangersKeyIsNamedByItsIdAndActor() throws Exception {
        try (NonceStore nonces = new NonceStore(Database.open(dir.resolve("lane.db")))) {
            CommandHandler handler = handler(nonces, Ed25519Keys.generate());
            KeyPair stranger = Ed25519Keys.generate();
            handler.handle(CommandWire.sealed("c-forged-001", "site-1", "lane-01", "RELEASE", Instant.ofEpochMilli(now), "officer-17",
                    Map.of(), "ops-2026", stranger.getPrivate()));
            JsonNode reply = replies.get(0);
            assertEquals("BAD_SIGNATURE", reply.get("code").asText(), reply.toString());
            assertEquals("c-forged-001", reply.get("commandId").asText(), "before: null, central could not match it");
            assertEquals("RELEASE", reply.get("type").asText(), reply.toString());
            JsonNode rejected = lastRejection();
            assertEquals("officer-17", rejected.get("actor").asText(), "before: always 'central'");
            assertEquals("c-forged-001", rejected.get("commandId").asText());
        }
    }

    @Test
    void reasonsAreOneShortLineWithoutTheParsersInternals() throws Exception {
        try (NonceStore nonces = new NonceStore(Database.open(dir.resolve("lane.db")))) {
            CommandHandler handler = handler(nonces, Ed25519Keys.generate());
            handler.handle("{\"schema\": \"x\",\n \"oops".getBytes(StandardCharsets.UTF_8));
            handler.handle(("{\"schema\":\"signed/1\",\"keyId\":\"evil\\nkey\\u0007" + "k".repeat(500)
                    + "\",\"payload\":\"e30=\",\"signature\":\"AA==\"}").getBytes(StandardCharsets.UTF_8));
            for (JsonNode reply : replies) {
                String why = reply.get("why").asText();
                assertFalse(why.chars().anyMatch(Character::isISOControl), "one line: " + why);
                assertTrue(why.length() <= CommandHandler.WHY_CHARS_MAX, why.length() + " characters");
                assertFalse(why.contains("Source:") || why.contains("line:") || why.contains("JsonParseException"), why);
                assertEquals("unknown", lastRejection().get("actor").asText());
            }
            assertEquals("not JSON", replies.get(0).get("why").asText());
        }
    }
}
