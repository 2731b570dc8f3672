package dev.lanecontroller.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanecontroller.core.EventType;
import dev.lanecontroller.core.Now;
import dev.lanecontroller.store.Database;
import dev.lanecontroller.store.EventDraft;
import dev.lanecontroller.store.MemoryJournal;
import dev.lanecontroller.store.NonceStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command handler's limits (DESIGN §3): a flood of bad commands is answered and counted but journaled at a capped rate; used ids are kept only as long as a command could still be fresh. */
class CommandLimitsTest {
    @TempDir
    Path dir;

    @Test
    void aFloodOfBadCommandsIsJournaledAtACappedRateAndEveryOneIsAnswered() {
        MemoryJournal journal = new MemoryJournal("limits");
        AtomicLong wallMs = new AtomicLong(1_795_000_000_000L);
        List<byte[]> replies = new ArrayList<>();
        try (NonceStore nonces = new NonceStore(Database.open(dir.resolve("lane.db")))) {
            CommandHandler handler = new CommandHandler(new CommandHandler.Wiring("site-1", "lane-01", Map.of(), 120_000, nonces,
                    event -> journal.append(List.of(EventDraft.of(event, new Now(0, wallMs.get(), true)))).get(0),
                    input -> true, null, program -> { }, replies::add, wallMs::get));
            for (int i = 0; i < CommandHandler.REFUSALS_JOURNALED_PER_MINUTE + 10; i++) {
                handler.handle("not json".getBytes(StandardCharsets.UTF_8));
            }
            assertEquals(CommandHandler.REFUSALS_JOURNALED_PER_MINUTE + 10, replies.size(), "every command is answered");
            assertEquals(CommandHandler.REFUSALS_JOURNALED_PER_MINUTE + 10, handler.refusals(), "and counted");
            assertEquals(CommandHandler.REFUSALS_JOURNALED_PER_MINUTE, journal.lastSeq(), "but only so many a minute are journaled");
            wallMs.addAndGet(61_000);
            handler.handle("not json".getBytes(StandardCharsets.UTF_8));
            assertEquals(CommandHandler.REFUSALS_JOURNALED_PER_MINUTE + 1, journal.lastSeq(), "a new minute, a new allowance");
            assertTrue(journal.read(journal.lastSeq() - 1, 1).get(0).type().equals(EventType.COMMAND_REJECTED.name()));
        }
    }

    @Test
    void usedCommandIdsArePurgedOnlyOnceTooOldToBeAccepted() {
        try (NonceStore nonces = new NonceStore(Database.open(dir.resolve("lane.db")))) {
            long issued = Instant.parse("2026-11-28T10:00:00Z").toEpochMilli();
            assertTrue(nonces.claim("c-00000001", issued));
            assertFalse(nonces.claim("c-00000001", issued), "a used id is refused");
            assertEquals(0, nonces.purgeIssuedBefore(issued), "kept while a command issued then could still be fresh");
            assertEquals(1, nonces.purgeIssuedBefore(issued + 1));
        }
    }
}
