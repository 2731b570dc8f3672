package dev.lanecontroller.core;

import java.util.List;

/**
 * The one decision of a transaction. {@code outcome} is the first reason found (DESIGN §4 order), or
 * null for CLEARED; {@code reasons} are all that were found, for the record.
 */
public record Decision(long transactionId, Reason outcome, List<Reason> reasons, double randomDraw) {
    public Decision {
        reasons = List.copyOf(reasons);
        if (outcome != (reasons.isEmpty() ? null : reasons.get(0))) {
            throw new IllegalArgumentException("the outcome must be the first reason found");
        }
    }

    public boolean isCleared() {
        return outcome == null;
    }

    public String outcomeName() {
        return outcome == null ? "CLEARED" : outcome.name();
    }
}
