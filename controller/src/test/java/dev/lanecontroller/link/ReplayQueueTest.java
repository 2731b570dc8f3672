package dev.lanecontroller.link;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lanecontroller.contract.EventWire;
import dev.lanecontroller.contract.Topics;
import dev.lanecontroller.store.MemoryJournal;
import org.junit.jupiter.api.Test;

/** What central hears when it asks for events again: queued (clipped), nothing to replay, or busy — never one for the other. */
class ReplayQueueTest {
    @Test
    void aFullReplayQueueIsBusyNotNothingToReplay() {
        MemoryJournal journal = new MemoryJournal("boot-1");
        LinkHarness.append(journal, 10, "PASSAGE");
        EventSync sync = new EventSync(journal, new EventWire("site-1", "lane-01", journal.journalId()), Topics.lane("lc/v1", "site-1", "lane-01"), 8);
        // Not started: nothing drains the queue.
        assertEquals(new EventSync.Replay(EventSync.Replay.Outcome.QUEUED, 5, 10), sync.requestReplay(5, 99), "clipped to the journal");
        for (int i = 1; i < EventSync.REPLAYS_QUEUED_MAX; i++) {
            assertEquals(EventSync.Replay.Outcome.QUEUED, sync.requestReplay(1 + i % 10, 1 + i % 10).outcome());
        }
        assertEquals(EventSync.Replay.Outcome.BUSY, sync.requestReplay(1, 1).outcome(), "ask again later");
        assertEquals(EventSync.Replay.Outcome.NOTHING_TO_REPLAY, sync.requestReplay(11, 20).outcome(), "the journal never held those");
    }
}
