package dev.lanecontroller.core;

import java.util.ArrayList;
import java.util.List;

/**
 * One vehicle's reads while its window is open: every distinct card (first read's details kept) and
 * the latest plate reading. Immutable; each read makes a new one.
 *
 * @param tagsOverLimit distinct cards seen beyond {@link LaneSettings#TAGS_PER_TRANSACTION_MAX}
 * @param plateKey normalised plate ({@link Plates#key}), or null when none was read
 */
public record Transaction(long id, long openedAtMs, List<SeenCard> cards, int tagsOverLimit, String plateKey, int plateRevisions) {

    /** A card as read in this transaction; {@code tidConflict} when two reads of it gave different TIDs. */
    public record SeenCard(String epcHex, String tidHex, boolean tidConflict, int antenna, int rssiDbm, CardEntry entry) {}

    public Transaction {
        cards = List.copyOf(cards);
    }

    static Transaction open(long id, long nowMs) {
        return new Transaction(id, nowMs, List.of(), 0, null, 0);
    }

    public int distinctCards() {
        return cards.size() + tagsOverLimit;
    }

    Transaction withRead(LaneInput.TagSeen seen) {
        String epc = seen.read().epcHex();
        String tid = seen.read().tidHex();
        List<SeenCard> next = new ArrayList<>(cards);
        for (int i = 0; i < next.size(); i++) {
            SeenCard card = next.get(i);
            if (card.epcHex().equals(epc)) {
                if (tid == null || tid.equals(card.tidHex()) || card.tidConflict()) {
                    return this;
                }
                boolean conflict = card.tidHex() != null;
                next.set(i, new SeenCard(epc, conflict ? card.tidHex() : tid, conflict, card.antenna(), card.rssiDbm(), card.entry()));
                return new Transaction(id, openedAtMs, next, tagsOverLimit, plateKey, plateRevisions);
            }
        }
        if (cards.size() >= LaneSettings.TAGS_PER_TRANSACTION_MAX) {
            // A card beyond the cap cannot be told from one counted already: count every read over it.
            return new Transaction(id, openedAtMs, cards, tagsOverLimit + 1, plateKey, plateRevisions);
        }
        next.add(new SeenCard(epc, tid, false, seen.read().antenna(), seen.read().rssiDbm(), seen.entry()));
        return new Transaction(id, openedAtMs, next, tagsOverLimit, plateKey, plateRevisions);
    }

    /** Opens with the plate the camera read while the vehicle was still queued. */
    Transaction withPlateAhead(PlateAhead plate) {
        return new Transaction(id, openedAtMs, cards, tagsOverLimit, plate.key(), plate.revisions());
    }

    Transaction withPlate(String key) {
        int revisions = plateKey == null || plateKey.equals(key) ? plateRevisions : plateRevisions + 1;
        return new Transaction(id, openedAtMs, cards, tagsOverLimit, key, revisions);
    }
}
