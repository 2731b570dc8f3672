package dev.lanecontroller.link;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lanecontroller.contract.CommandWire;
import dev.lanecontroller.core.LaneEvent;
import dev.lanecontroller.core.LaneInput;
import dev.lanecontroller.core.Now;
import dev.lanecontroller.pki.Ed25519Keys;
import dev.lanecontroller.store.Database;
import dev.lanecontroller.store.EventDraft;
import dev.lanecontroller.store.JournalEntry;
import dev.lanecontroller.store.MemoryJournal;
import dev.lanecontroller.store.NonceStore;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A SET_MODE that waits for the vehicle in the lane is answered twice: PENDING when it is taken,
 * then done once it takes effect (its MODE_CHANGED names it), so central knows when the lane
 * really closed.
 */
class PendingModeReplyTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void aModeChangeThatWaitedIsAnsweredAgainWhenItTakesEffect() throws Exception {
        MemoryJournal journal = new MemoryJournal("pending");
        AtomicLong wallMs = new AtomicLong(Instant.parse("2026-11-30T12:00:00Z").toEpochMilli());
        List<JsonNode> replies = new ArrayList<>();
        AtomicReference<LaneInput.Command> toLane = new AtomicReference<>();
        KeyPair ops = Ed25519Keys.generate();
        try (NonceStore nonces = new NonceStore(Database.open(dir.resolve("lane.db")))) {
            CommandHandler handler = new CommandHandler(new CommandHandler.Wiring("site-1", "lane-01", Map.of("ops-2026", ops.getPublic()),
                    120_000, nonces, event -> journal.append(List.of(EventDraft.of(event, new Now(0, wallMs.get(), true)))).get(0),
                    input -> {
                        toLane.set((LaneInput.Command) input);
                        return true;
                    }, null, program -> { }, payload -> {
                        try {
                            replies.add(JSON.readTree(payload));
                        } catch (java.io.IOException e) {
                            throw new AssertionError(e);
                        }
                        return true;
                    }, wallMs::get));
            handler.handle(CommandWire.sealed("c-close-1", "site-1", "lane-01", "SET_MODE", Instant.ofEpochMilli(wallMs.get()), "supervisor-3",
                    Map.of("mode", "CLOSED"), "ops-2026", ops.getPrivate()));
            String commandId = toLane.get().commandId();
            // The lane: a car is in it, the change waits; the car leaves, the change takes effect.
            handler.onLaneEvent(journaled(journal, new LaneEvent.ModeChangePending("AUTOMATED", "CLOSED", commandId, "a vehicle is in the lane"),
                    wallMs.get()));
            assertEquals(1, replies.size(), replies.toString());
            assertEquals("PENDING", replies.get(0).get("code").asText(), replies.toString());
            wallMs.addAndGet(40_000);
            handler.onLaneEvent(journaled(journal, new LaneEvent.ModeChanged("AUTOMATED", "CLOSED", commandId), wallMs.get()));
            assertEquals(2, replies.size(), "before: no reply said the change took effect");
            assertEquals("done", replies.get(1).get("result").asText(), replies.toString());
            assertEquals("OK", replies.get(1).get("code").asText(), replies.toString());
            assertEquals(commandId, replies.get(1).get("commandId").asText(), replies.toString());
            // Answered once: the same event again (a replay) sends nothing more.
            handler.onLaneEvent(journaled(journal, new LaneEvent.ModeChanged("AUTOMATED", "CLOSED", commandId), wallMs.get()));
            assertEquals(2, replies.size());
        }
    }

    private static JournalEntry journaled(MemoryJournal journal, LaneEvent event, long wallMs) {
        return journal.append(List.of(EventDraft.of(event, new Now(0, wallMs, true)))).get(0);
    }
}
