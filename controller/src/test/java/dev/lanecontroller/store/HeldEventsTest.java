package dev.lanecontroller.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanecontroller.core.Now;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HeldEventsTest {
    private static EventDraft event(int n) {
        return new EventDraft("PASSAGE", Map.of("n", n), new Now(n, 1_795_852_800_000L + n, true));
    }

    @Test
    void whatAFailedJournalLeftGoesFirstOnceItWorksAndWhatDidNotFitIsCounted() {
        FaultyJournal.Disk disk = new FaultyJournal.Disk();
        FaultyJournal journal = FaultyJournal.inMemory(disk);
        HeldEvents writer = new HeldEvents(journal, 3, "the test");
        disk.full = true;
        assertNull(writer.write(List.of(event(1), event(2)), true));
        assertNull(writer.write(List.of(event(3), event(4)), true));
        assertNull(writer.write(List.of(event(5)), false), "not held: the caller refuses it");
        assertEquals(3, writer.held());
        assertEquals(1, writer.lost(), "event 4 did not fit");
        assertEquals(3, writer.failures());
        disk.full = false;
        List<JournalEntry> written = writer.write(List.of(event(6)), true);
        assertEquals(List.of("{\"n\":1}", "{\"n\":2}", "{\"n\":3}", "{\"n\":6}"), written.stream().map(JournalEntry::payloadJson).toList());
        assertEquals(List.of(1L, 2L, 3L, 4L), written.stream().map(JournalEntry::seq).toList());
        assertEquals(0, writer.held());
        assertEquals(List.of(), writer.write(List.of(), true));
    }

    /** An event whose details can never be JSON: a programming error in the code that made it. */
    private static EventDraft unwritable(int n) {
        return new EventDraft("DECISION", Map.of("n", n, "oops", new Object()), new Now(n, 1_795_852_800_000L + n, true));
    }

    @Test
    void anEventThatCanNeverBeWrittenIsRefusedAndTheJournalGoesOn() {
        FaultyJournal.Disk disk = new FaultyJournal.Disk();
        FaultyJournal journal = FaultyJournal.inMemory(disk);
        HeldEvents writer = new HeldEvents(journal, 10, "the test");
        List<JournalEntry> written = writer.write(List.of(event(1), unwritable(2), event(3)), true);
        assertEquals(List.of("PASSAGE", "EVENT_REFUSED", "PASSAGE"), written.stream().map(JournalEntry::type).toList());
        assertTrue(written.get(1).payloadJson().contains("\"type\":\"DECISION\"") && written.get(1).payloadJson().contains("JSON"),
                written.get(1).payloadJson());
        assertEquals(1, writer.refused());
        assertEquals(0, writer.failures(), "a bad event is not a failed disk");
        assertEquals(0, writer.held());
        // Held through a journal failure, it is refused when the journal works again, not held for ever.
        disk.full = true;
        assertNull(writer.write(List.of(unwritable(4), event(5)), true));
        disk.full = false;
        List<JournalEntry> later = writer.write(List.of(event(6)), true);
        assertEquals(List.of("EVENT_REFUSED", "PASSAGE", "PASSAGE"), later.stream().map(JournalEntry::type).toList());
        assertEquals(2, writer.refused());
        assertEquals(0, writer.held());
        assertEquals(List.of("PASSAGE"), writer.write(List.of(event(7)), true).stream().map(JournalEntry::type).toList());
    }
}
