package dev.lanecontroller.monitor;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The reason of a referral as the cabinet sees it (the lane monitor, /metrics): the lane's and the
 * devices' own reasons by name, since they are the technician's to fix; every reason about the
 * card or the traveller as one, {@link #CARD_CHECK}. A lookout is one of those, so it looks
 * exactly like a card that is unknown, inactive, cloned, of another program, passed twice, in a
 * car it is not registered to, or picked at random, whatever the lane's policy (DESIGN §9). A
 * plate that matches none of the cards is the traveller's too: an unknown card always has one. Applied to every referral alike: a
 * rule for lookouts alone would itself be the tell. The journal and central keep every reason.
 */
public final class ShownReason {
    /** Referred for the card or the traveller: central has which. */
    public static final String CARD_CHECK = "CARD_CHECK";
    /** What the lane or its devices caused, in DESIGN §4's order. */
    private static final Set<String> LANE_REASONS = Set.of("LANE_NOT_AUTOMATED", "LIST_STALE", "NO_TAG", "TOO_MANY_TAGS", "NO_PLATE");

    private ShownReason() {}

    /** The first of the lane's own reasons found, else {@link #CARD_CHECK}; null for a clearance (no reason). */
    public static String of(List<String> reasons) {
        for (String reason : reasons) {
            if (LANE_REASONS.contains(reason)) {
                return reason;
            }
        }
        return reasons.isEmpty() ? null : CARD_CHECK;
    }

    /** Every reason found, each as the cabinet sees it, once. */
    public static Set<String> all(List<String> reasons) {
        Set<String> shown = new LinkedHashSet<>();
        for (String reason : reasons) {
            shown.add(LANE_REASONS.contains(reason) ? reason : CARD_CHECK);
        }
        return shown;
    }
}
