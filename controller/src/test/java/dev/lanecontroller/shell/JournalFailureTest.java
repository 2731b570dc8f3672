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
import dev.lanecontroller.store.FaultyJournal;
import dev.lanecontroller.store.JournalEntry;
import dev.lanecontroller.store.MemoryClearance;
import dev.lanecontroller.store.Outbox;
import dev.lanecontroller.store.StoreException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Invariant 4 when the disk fails: no green and no open gate without a durable decision; the lane goes to FAULT. */
class JournalFailureTest {
    @Test
    void aClearedCarGetsNoGreenAndNoOpenGateWhenItsDecisionCannotBeJournaled() {
        List<CardRecord> cards = DemoList.cards(10, 1);
        MemoryClearance clearance = new MemoryClearance();
        clearance.put(new ListInfo("NEXUS", 1, 1_795_852_800_000L, ListInfo.NO_EXPIRY, cards.size()), cards);
        FaultyJournal.Disk disk = new FaultyJournal.Disk();
        FaultyJournal journal = FaultyJournal.inMemory(disk);
        Simulation sim = new Simulation(new LaneSetup(LaneSettings.defaults("lane-disk"), ReadFilter.ACCEPT_ALL), 1_000, 1_000, clearance,
                journal, 1_795_852_800_000L, true, 1, 0.0, LaneObserver.NONE);
        sim.runUntil(5_000);
        sim.hardware.loop(LoopId.ARMING).setOccupied(true);
        sim.hardware.tagReader.read(new TagRead(cards.get(0).epcHex(), null, 1, -50));
        disk.full = true;
        sim.runUntil(30_000);
        assertEquals(LaneMode.FAULT, sim.shell().state().mode());
        assertEquals("JOURNAL_FAULT", sim.shell().state().faultCause());
        assertTrue(sim.shell().journalFailures() > 0);
        assertEquals(0.0, sim.hardware.gate.openFraction(), "the gate never moved up");
        assertNotEquals(SignalAspect.PROCEED, sim.hardware.signal.aspect());
    }

    /** Held events go to the journal first, in order, with their own times; beyond the bound they are counted as lost. */
    @Test
    void eventsTheJournalCouldNotTakeAreWrittenInOrderOnceItWorksAndTheHoldIsBounded() {
        FaultyJournal.Disk disk = new FaultyJournal.Disk();
        FaultyJournal journal = FaultyJournal.inMemory(disk);
        Simulation sim = new Simulation(new LaneSetup(LaneSettings.defaults("lane-disk"), ReadFilter.ACCEPT_ALL), 1_000, 1_000,
                new MemoryClearance(), journal, 1_795_852_800_000L, true, 1, 0.0, LaneObserver.NONE);
        sim.runUntil(5_000);
        long before = journal.lastSeq();
        disk.full = true;
        int toggles = LaneShell.HELD_EVENTS_MAX + 50;
        for (int i = 0; i < toggles; i++) {
            sim.hardware.tamper.set(i % 2 == 0); // one TAMPER event each
            sim.runUntil(5_001 + i);
        }
        long failedUntilMono = sim.now().monoMs();
        assertEquals(LaneShell.HELD_EVENTS_MAX, sim.shell().heldEvents(), "the hold is bounded");
        long lost = sim.shell().eventsLost();
        // (Toggles the lane sees within one input batch may fold, so not every one is an event.)
        assertTrue(lost > 0 && lost <= toggles + 1 - LaneShell.HELD_EVENTS_MAX, "what did not fit is counted: " + lost);
        assertNotEquals(LaneMode.AUTOMATED, sim.shell().state().mode());

        disk.full = false;
        sim.runUntil(toggles + 10_000); // the reader's heartbeat brings the next write
        assertEquals(0, sim.shell().heldEvents());
        List<JournalEntry> written = journal.read(before, LaneShell.HELD_EVENTS_MAX);
        assertEquals(LaneShell.HELD_EVENTS_MAX, written.size());
        // The first event that could not be written, then the fault it caused, then the rest: as they happened.
        assertEquals("TAMPER", written.get(0).type());
        assertEquals("FAULT", written.get(1).type());
        assertTrue(written.get(1).payloadJson().contains("JOURNAL_FAULT"));
        List<JournalEntry> tampers = written.stream().filter(e -> e.type().equals("TAMPER")).toList();
        assertEquals(written.size() - 1, tampers.size());
        for (int i = 0; i < tampers.size(); i++) {
            JournalEntry entry = tampers.get(i);
            assertTrue(entry.payloadJson().contains("\"tampered\":" + (i % 2 == 0)), "in the order they happened: " + entry.payloadJson());
            assertTrue(entry.monoMs() < failedUntilMono && (i == 0 || entry.monoMs() >= tampers.get(i - 1).monoMs()), "with their own times");
        }
    }
}
