package dev.lanecontroller.monitor;

import dev.lanecontroller.core.LaneEvent;
import dev.lanecontroller.store.JournalEntry;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The last vehicles as the technician's monitor shows them: time, outcome, reason, cards, plate,
 * who released a referral. Fed with the lane's journaled events on the lane thread, which
 * publishes a new immutable list (no lock: the monitor's feed never holds the lane up); read by
 * the feed. A reason is written here already as the cabinet may see it ({@link ShownReason}), so
 * nothing downstream can reveal a lookout.
 */
public final class VehicleLog {
    static final int VEHICLES_MAX = 50;

    /** Newest first; replaced whole, never changed. */
    private volatile List<Map<String, Object>> rows = List.of();

    /** One vehicle, without card numbers and without a lookout. */
    private static Map<String, Object> row(long transactionId, long wallMs, String outcome, String reason, int cards, String plate,
                                           String releasedBy) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("transaction", transactionId);
        row.put("wallMs", wallMs);
        row.put("outcome", outcome);
        row.put("reason", reason);
        row.put("cards", cards);
        row.put("plate", plate);
        row.put("releasedBy", releasedBy);
        return Collections.unmodifiableMap(row);
    }

    /** On the lane thread only. */
    void onEvent(JournalEntry entry) {
        if (entry.event() instanceof LaneEvent.DecisionMade made) {
            List<Map<String, Object>> next = new ArrayList<>(VEHICLES_MAX);
            next.add(row(made.transactionId(), entry.wallMs(), made.reasons().isEmpty() ? "CLEARED" : "REFERRED",
                    ShownReason.of(made.reasons()), made.cards().size(), made.plate(), null));
            next.addAll(rows.subList(0, Math.min(rows.size(), VEHICLES_MAX - 1)));
            rows = List.copyOf(next);
        } else if (entry.event() instanceof LaneEvent.Released released) {
            release(released.transactionId(), released.actor());
        } else if (entry.event() instanceof LaneEvent.Confirmed confirmed) {
            release(confirmed.transactionId(), confirmed.actor());
        }
    }

    private void release(long transactionId, String actor) {
        List<Map<String, Object>> next = new ArrayList<>(rows);
        for (int i = 0; i < next.size(); i++) {
            Map<String, Object> v = next.get(i);
            if (v.get("transaction").equals(transactionId)) {
                next.set(i, row(transactionId, (Long) v.get("wallMs"), (String) v.get("outcome"), (String) v.get("reason"),
                        (Integer) v.get("cards"), (String) v.get("plate"), actor));
                rows = List.copyOf(next);
                return;
            }
        }
    }

    /** Newest first. */
    public List<Map<String, Object>> rows() {
        return rows;
    }
}
