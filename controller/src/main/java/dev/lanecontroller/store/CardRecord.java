package dev.lanecontroller.store;

import dev.lanecontroller.core.CardEntry;
import dev.lanecontroller.core.CardStatus;
import java.util.Set;

/** One line of a list file, parsed and checked; becomes a {@link CardEntry} once its list is known. */
public record CardRecord(String epcHex, CardStatus status, long expiresWallMs, Set<String> plates, String tidHex, boolean lookout) {
    public CardRecord {
        plates = Set.copyOf(plates);
    }

    public CardEntry toEntry(String program, long listVersion) {
        return new CardEntry(epcHex, program, status, expiresWallMs, plates, tidHex, lookout, listVersion);
    }
}
