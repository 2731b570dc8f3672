package dev.lanecontroller.store;

import dev.lanecontroller.core.CardEntry;
import dev.lanecontroller.core.ListInfo;
import java.util.List;
import java.util.Set;

/** Read access to the clearance lists in force: what the shell needs to enrich a card read. */
public interface ClearanceLookup {
    /** The card's entry in each list in force that holds it, in program order; empty when none does. */
    List<CardEntry> entriesFor(String epcHex);

    /** The version in force of each program's list. */
    List<ListInfo> listsInForce();

    /**
     * The card's entry, preferring a program the lane accepts when the card is on several lists
     * (a FAST card that is also NEXUS is judged as NEXUS in a car lane); null when it is on none.
     */
    default CardEntry find(String epcHex, Set<String> preferredPrograms) {
        List<CardEntry> entries = entriesFor(epcHex);
        for (CardEntry entry : entries) {
            if (preferredPrograms.contains(entry.program())) {
                return entry;
            }
        }
        return entries.isEmpty() ? null : entries.get(0);
    }
}
