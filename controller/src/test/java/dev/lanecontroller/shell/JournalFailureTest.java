package dev.lanecontroller.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanecontroller.config.LaneSetup;
import dev.lanecontroller.core.LaneMode;
import dev.lanecontroller.core.LaneSettings;
import dev.lanecontroller.core.ListInfo;
import dev.lanecontroller.hal.LoopId;
import dev.lanecontroller.hal.ReadFilter;
import dev.lanecontroller.hal.SignalAspect;
import dev.lanecontroller.hal.TagRead;
import dev.lanecontroller.sim.DemoList;
import dev.lanecontroller.sim.Simulation;
import dev.lanecontroller.store.CardRecord;
import dev.lanecontroller.store.EventDraft;
import dev.lanecontroller.store.Journal;
import dev.lanecontroller.store.JournalEntry;
import dev.lanecontroller.store.MemoryClearance;
import dev.lanecontroller.store.MemoryJournal;
import dev.lanecontroller.store.Outbox;
import dev.lanecontroller.store.StoreException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Invariant 4 when the disk fails: no green and no open gate without a durable decision; the lane goes to FAULT. */
class JournalFailureTest {
    /** A journal whose disk can be made to fail. */
    static final class FailingJournal implements Journal {
        final MemoryJournal inner = new MemoryJournal("failing");
        boolean failing;

        @Override
        public List<JournalEntry> append(List<EventDraft> events) {
            if (failing) {
                throw new StoreException("disk I/O error (test)");
            }
            return inner.append(events);
        }

        @Override
        public long lastSeq() {
            return inner.lastSeq();
        }

        @Override
        public List<JournalEntry> read(long afterSeq, int limit) {
            return inner.read(afterSeq, limit);
        }

        @Override
        public Outbox outbox() {
            return inner;
        }

        @Override
        public void close() {
            inner.close();
        }
    }

    @Test
    void aClearedCarGetsNoGreenAndNoOpenGateWhenItsDecisionCannotBeJournaled() {
        List<CardRecord> cards = DemoList.cards(10, 1);
        MemoryClearance clearance = new MemoryClearance();
        clearance.put(new ListInfo("NEXUS", 1, 1_795_852_800_000L, ListInfo.NO_EXPIRY, cards.size()), cards);
        FailingJournal journal = new FailingJournal();
        Simulation sim = new Simulation(new LaneSetup(LaneSettings.defaults("lane-disk"), ReadFilter.ACCEPT_ALL), 1_000, 1_000, clearance,
                journal, 1_795_852_800_000L, true, 1, 0.0, LaneObserver.NONE);
        sim.runUntil(5_000);
        sim.hardware.loop(LoopId.ARMING).setOccupied(true);
        sim.hardware.tagReader.read(new TagRead(cards.get(0).epcHex(), null, 1, -50));
        journal.failing = true;
        sim.runUntil(30_000);
        assertEquals(LaneMode.FAULT, sim.shell().state().mode());
        assertEquals("JOURNAL_FAULT", sim.shell().state().faultCause());
        assertTrue(sim.shell().journalFailures() > 0);
        assertEquals(0.0, sim.hardware.gate.openFraction(), "the gate never moved up");
        assertNotEquals(SignalAspect.PROCEED, sim.hardware.signal.aspect());
    }
}
