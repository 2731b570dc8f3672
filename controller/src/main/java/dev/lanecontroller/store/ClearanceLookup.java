package dev.lanecontroller.store;

import dev.lanecontroller.core.CardEntry;
import dev.lanecontroller.core.ListInfo;
import java.util.List;

/** Read access to the clearance lists in force: what the shell needs to enrich a card read. */
public interface ClearanceLookup {
    /**
     * The card's entry, preferring a program the lane accepts when the card is on several lists;
     * null when it is on none.
     */
    CardEntry find(String epcHex, java.util.Set<String> preferredPrograms);

    /** The version in force of each program's list. */
    List<ListInfo> listsInForce();
}
