package dev.lanecontroller.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The decision rules of DESIGN §4: a pure function of the transaction, the lists and the time. */
final class Decider {
    private Decider() {}

    static Decision decide(LaneSettings settings, LaneMode mode, Map<String, ListInfo> lists, Transaction txn,
                           Map<String, Long> recentCards, Now now, double randomDraw) {
        List<Reason> found = new ArrayList<>();
        List<Transaction.SeenCard> cards = txn.cards();

        if (mode != LaneMode.AUTOMATED) {
            found.add(Reason.LANE_NOT_AUTOMATED);
        }
        if (anyAcceptedListStale(settings, lists, now.wallMs())) {
            found.add(Reason.LIST_STALE);
        }
        if (cards.stream().anyMatch(c -> c.entry() != null && c.entry().lookout())) {
            found.add(Reason.LOOKOUT);
        }
        if (txn.distinctCards() == 0) {
            found.add(Reason.NO_TAG);
        }
        if (txn.distinctCards() > settings.maxTagsPerVehicle()) {
            found.add(Reason.TOO_MANY_TAGS);
        }
        if (cards.stream().anyMatch(c -> c.entry() == null)) {
            found.add(Reason.UNKNOWN_TAG);
        }
        if (cards.stream().anyMatch(c -> c.entry() != null && !isActive(c.entry(), now.wallMs()))) {
            found.add(Reason.TAG_INACTIVE);
        }
        if (cards.stream().anyMatch(Decider::isCloneSuspect)) {
            found.add(Reason.TAG_CLONE_SUSPECT);
        }
        if (cards.stream().anyMatch(c -> c.entry() != null && !settings.acceptedPrograms().contains(c.entry().program()))) {
            found.add(Reason.PROGRAM_NOT_ACCEPTED);
        }
        if (settings.plateRequired() && txn.plateKey() == null) {
            found.add(Reason.NO_PLATE);
        }
        if (txn.plateKey() != null && cards.stream().noneMatch(c -> c.entry() != null && c.entry().plates().contains(txn.plateKey()))) {
            found.add(Reason.PLATE_MISMATCH);
        }
        if (cards.stream().anyMatch(c -> seenWithin(recentCards, c.epcHex(), now.monoMs(), settings.antiPassbackMs()))) {
            found.add(Reason.DUPLICATE_TAG);
        }
        // Drawn for every automated transaction, whatever else was found, so the selection rate is
        // exactly the configured one over all vehicles and can be audited from the journal.
        if (mode == LaneMode.AUTOMATED && randomDraw * 100.0 < settings.randomReferralPercent()) {
            found.add(Reason.RANDOM);
        }
        return new Decision(txn.id(), found.isEmpty() ? null : found.get(0), found, randomDraw);
    }

    /** A lane configured for a program must hold a fresh list for it; missing counts as stale. */
    static boolean anyAcceptedListStale(LaneSettings settings, Map<String, ListInfo> lists, long wallMs) {
        for (String program : settings.acceptedPrograms()) {
            ListInfo list = lists.get(program);
            if (list == null || !list.isFreshAt(wallMs, settings.maxListAgeMs())) {
                return true;
            }
        }
        return false;
    }

    private static boolean isActive(CardEntry entry, long wallMs) {
        return entry.status() == CardStatus.ACTIVE && wallMs < entry.expiresWallMs();
    }

    /** Two chips answering with one EPC, or a chip whose TID is not the one on the list. */
    private static boolean isCloneSuspect(Transaction.SeenCard card) {
        if (card.tidConflict()) {
            return true;
        }
        CardEntry entry = card.entry();
        return entry != null && entry.tidHex() != null && card.tidHex() != null && !entry.tidHex().equals(card.tidHex());
    }

    private static boolean seenWithin(Map<String, Long> recentCards, String epc, long nowMs, long windowMs) {
        Long lastMs = recentCards.get(epc);
        return lastMs != null && nowMs - lastMs < windowMs;
    }
}
