package dev.lanecontroller.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.List;
import org.junit.jupiter.api.Test;

/** A lookout is shown to the technician exactly as an ordinary referral (DESIGN §9), among the last fifty vehicles. */
class VehicleLogTest {
    @Test
    void everyReasonAboutTheCardOrTravellerShowsAsOneSoALookoutLooksLikeAnyOfThem() {
        for (String cardReason : List.of("LOOKOUT", "UNKNOWN_TAG", "TAG_INACTIVE", "TAG_CLONE_SUSPECT", "PROGRAM_NOT_ACCEPTED",
                "DUPLICATE_TAG", "RANDOM", "PLATE_MISMATCH")) {
            assertEquals(ShownReason.CARD_CHECK, ShownReason.of(List.of(cardReason)), cardReason);
        }
        assertEquals("NO_PLATE", ShownReason.of(List.of("LOOKOUT", "NO_PLATE")), "the lane's own reasons by name, lookout or not");
        assertEquals("NO_PLATE", ShownReason.of(List.of("UNKNOWN_TAG", "NO_PLATE")));
        assertEquals("LIST_STALE", ShownReason.of(List.of("LIST_STALE", "LOOKOUT")));
        assertEquals(java.util.Set.of("NO_TAG", "CARD_CHECK"), ShownReason.all(List.of("NO_TAG", "LOOKOUT", "TAG_INACTIVE", "PLATE_MISMATCH")));
        assertEquals(null, ShownReason.of(List.of()), "a clearance has no reason");
    }

    @Test
    void theLastFiftyVehiclesNewestFirstWithWhoReleasedThem() {
        VehicleLog log = new VehicleLog();
        for (long txn = 1; txn <= 60; txn++) {
            List<String> reasons = txn % 2 == 0 ? List.of("LOOKOUT") : List.of();
            log.onEvent(entry(txn, new dev.lanecontroller.core.LaneEvent.DecisionMade(txn, reasons.isEmpty() ? "CLEARED" : "LOOKOUT", reasons,
                    "AUTOMATED", false, List.of(new dev.lanecontroller.core.LaneEvent.DecisionCard("E20000000000000000000042", null, 1, -50,
                    "NEXUS", 1L)), 0, "ON:ABC123", 0, java.util.Map.of("NEXUS", 1L), 0.5, 0.0, txn)));
        }
        log.onEvent(entry(61, new dev.lanecontroller.core.LaneEvent.Released(60, "cmd-1", "officer-17")));
        List<java.util.Map<String, Object>> rows = log.rows();
        assertEquals(VehicleLog.VEHICLES_MAX, rows.size());
        assertEquals(60L, rows.get(0).get("transaction"));
        assertEquals(11L, rows.get(49).get("transaction"));
        assertEquals("REFERRED", rows.get(0).get("outcome"));
        assertEquals("CARD_CHECK", rows.get(0).get("reason"));
        assertEquals("officer-17", rows.get(0).get("releasedBy"));
        assertEquals(1, rows.get(0).get("cards"));
        assertFalse(rows.toString().contains("LOOKOUT") || rows.toString().contains("E20000000000000000000042"), rows.toString());
    }

    private static dev.lanecontroller.store.JournalEntry entry(long seq, dev.lanecontroller.core.LaneEvent event) {
        return new dev.lanecontroller.store.JournalEntry(seq, "boot", seq, 1_796_000_000_000L + seq, true, "T", "{}", "", "", event);
    }

    @Test
    void aCardIsShortenedAsInTheLogs() {
        assertEquals("E200…0042", DeviceWatch.shortCard("E20000000000000000000042"));
        assertEquals("…", DeviceWatch.shortCard("E2000042"));
    }
}
