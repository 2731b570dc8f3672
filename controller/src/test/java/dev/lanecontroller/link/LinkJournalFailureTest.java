package dev.lanecontroller.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanecontroller.config.CentralSettings;
import dev.lanecontroller.contract.CommandWire;
import dev.lanecontroller.contract.LaneView;
import dev.lanecontroller.contract.Topics;
import dev.lanecontroller.core.Now;
import dev.lanecontroller.pki.Ed25519Keys;
import dev.lanecontroller.store.ClearanceStore;
import dev.lanecontroller.store.Database;
import dev.lanecontroller.store.FaultyJournal;
import dev.lanecontroller.store.JournalEntry;
import dev.lanecontroller.store.MemoryJournal;
import dev.lanecontroller.store.NonceStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The central link's own events while the journal fails: a refused list or command is held and
 * journaled later, in order with its own time, not lost; a command that arrives meanwhile is refused
 * (JOURNAL_FAILED) and its COMMAND_RECEIVED never appears afterwards.
 */
class LinkJournalFailureTest {
    private static final long START_WALL_MS = 1_795_852_800_000L;

    @TempDir
    Path dir;

    @Test
    void theLinksEventsAreHeldWhileTheJournalFailsAndWrittenInOrderAfterwards() throws Exception {
        KeyPair commandKey = Ed25519Keys.generate();
        Ed25519Keys.writePublic(commandKey.getPublic(), dir.resolve("commands.pub"));
        Ed25519Keys.writePublic(Ed25519Keys.generate().getPublic(), dir.resolve("lists.pub"));
        CentralSettings settings = new CentralSettings("tcp://127.0.0.1:9", "test-site", "lc/v1", "test-site-lane-07", null, null, null,
                true, 30, 30_000, 64, 1_000, 1_000, 120_000, Map.of("central-lists", dir.resolve("lists.pub")),
                Map.of("central-ops", dir.resolve("commands.pub")), List.of(), List.of());
        Database database = Database.open(dir.resolve("lane.db"));
        FaultyJournal.Disk disk = new FaultyJournal.Disk();
        MemoryJournal inner = new MemoryJournal("failing");
        FaultyJournal journal = new FaultyJournal(inner, disk);
        AtomicLong wallMs = new AtomicLong(START_WALL_MS);
        List<JournalEntry> echoed = new CopyOnWriteArrayList<>();
        Topics topics = Topics.lane("lc/v1", "test-site", "lane-07");
        try (ClearanceStore store = new ClearanceStore(database); NonceStore nonces = new NonceStore(database)) {
            LaneLink link = new LaneLink(settings, new LaneLink.Lane("lane-07", Set.of("NEXUS"), journal, store, nonces, input -> true,
                    () -> new LaneView("AUTOMATED", store.listsInForce(), true), () -> new Now(wallMs.get(), wallMs.get(), true),
                    echoed::add, "boot-1", "test", () -> 0.5));
            try {
                disk.full = true;
                link.lists().handle(topics.listManifest("NEXUS"), "not a manifest".getBytes(StandardCharsets.UTF_8), true);
                wallMs.addAndGet(1_000);
                link.commands().handle("not a command".getBytes(StandardCharsets.UTF_8));
                wallMs.addAndGet(1_000);
                String commandId = UUID.randomUUID().toString();
                link.commands().handle(CommandWire.sealed(commandId, "test-site", "lane-07", "SET_MODE", Instant.ofEpochMilli(wallMs.get()),
                        "officer-1", Map.of("mode", "MANUAL"), "central-ops", commandKey.getPrivate()));
                assertEquals(List.of(), inner.read(0, 100), "nothing reached the failed journal");
                assertEquals(3, link.heldEvents(), "two refusals and the command's refusal are held; its COMMAND_RECEIVED is not");
                link.retryHeldEvents(); // still failing: still held
                assertEquals(3, link.heldEvents());

                wallMs.addAndGet(60_000);
                disk.full = false;
                link.retryHeldEvents();
                assertEquals(0, link.heldEvents());
                assertEquals(0, link.eventsLost());
                List<JournalEntry> written = inner.read(0, 100);
                assertEquals(List.of("LIST_REJECTED", "COMMAND_REJECTED", "COMMAND_REJECTED"), written.stream().map(JournalEntry::type).toList());
                assertEquals(List.of(START_WALL_MS, START_WALL_MS + 1_000, START_WALL_MS + 2_000),
                        written.stream().map(JournalEntry::wallMs).toList(), "each with the time it happened");
                assertTrue(written.get(2).payloadJson().contains(commandId) && written.get(2).payloadJson().contains("JOURNAL_FAILED"),
                        written.get(2).payloadJson());
                assertEquals(written, echoed, "the lane's observers (metrics, the link's own sync) saw them once they were durable");
                assertNull(written.stream().filter(e -> e.type().equals("COMMAND_RECEIVED")).findAny().orElse(null));
            } finally {
                link.close();
            }
        }
    }
}
